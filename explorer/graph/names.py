"""Variable names on the engine's graph exports: the names a forward export carries, and AccumulateGrad nodes of
a backward export named after their leaf (the engine's export knows only the leaf's id)."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx


def tensor_names_of(forward: nx.DiGraph) -> dict[str, str]:
    """{tensor id: variable name} from a forward graph export made with names=..."""
    nodes = forward.nodes(data=True)
    return {str(n): d["name"] for n, d in nodes if d.get("name") and str(n).startswith("t")}


def with_tensor_names(graph: nx.DiGraph, names: Mapping[str, str] | None) -> nx.DiGraph:
    """A copy of a backward graph whose AccumulateGrad nodes know their leaf's variable name."""
    if not names:
        return graph
    named = graph.copy()
    for d in named.nodes.values():
        if d.get("kind") == "accumulate" and not d.get("tensor_name") and d.get("tensor") in names:
            d["tensor_name"] = names[d["tensor"]]
    return named
