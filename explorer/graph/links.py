"""The forward and backward views linked: what a node of one view stands for in the other, and a search for
nodes by what they are called.

Both exports use the engine's public ids, so the links are exact: an op of the forward view ("n7") is the
backward function of the same id; a tensor ("t12") is made by the op before it (its `grad_fn`) and, for a leaf,
fed by the AccumulateGrad whose `tensor` it is.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from explorer.graph.labels import node_label
from explorer.graph.text_size import plain_lines


def linked_nodes(forward: nx.DiGraph | None, backward: nx.DiGraph | None, node: Hashable | None,
                 from_view: str) -> list[Hashable]:
    """The nodes of the other view that `node` of `from_view` stands for.

    A tensor: the grad_fn that made it and the AccumulateGrad it feeds. An op: its backward function. A
    backward function: its op and the tensor it made. An AccumulateGrad: its leaf."""
    if node is None or forward is None or backward is None:
        return []
    source = forward if from_view == "forward" else backward
    if node not in source:
        return []
    d = source.nodes[node]
    kind = d.get("kind")
    found: list = []
    if from_view == "forward":
        if kind == "op":
            found = [node]
        elif kind not in ("scalar", "collapsed"):
            found = [u for u in forward.predecessors(node) if forward.nodes[u].get("kind") == "op"]
            found += [n for n, b in backward.nodes(data=True)
                      if b.get("kind") == "accumulate" and b.get("tensor") == node]
        return [n for n in found if n in backward]
    if kind == "function":
        found = [node, *(v for v in forward.successors(node))] if node in forward else []
    elif kind == "accumulate":
        found = [d.get("tensor")]
    return [n for n in found if n is not None and n in forward]


def _words(graph: nx.DiGraph, node: Hashable) -> str:
    d = graph.nodes[node]
    parts = [*plain_lines(node_label(graph, node)), str(d.get("name") or ""), str(d.get("label") or ""),
             str(d.get("tensor_name") or ""), str(d.get("op") or "")]
    parts += [str(m) for m in d.get("member_names") or ()]
    return " ".join(parts).lower()


def search(graph: nx.DiGraph | None, query: str) -> list[Hashable]:
    """The drawn nodes whose name, label, op or (for a folded box) members' names contain the query."""
    words = query.strip().lower()
    if graph is None or not words:
        return []
    return [n for n in graph if words in _words(graph, n)]
