"""What is drawn of a graph export: one node per tensor (a view the engine made internally is drawn as the
tensor it views), and, when asked, the nodes an nn.Module call made folded into one box and a loop's repeated
iterations folded into one. The export itself is never changed: the drawn graph is a copy, and folded nodes
list the export's nodes they stand for (`members`), so selections and searches map back.
"""

from __future__ import annotations

import networkx as nx

from explorer.graph.labels import moved_tensors

VIEW_SUFFIX = " (view)"


def one_node_per_tensor(graph: nx.DiGraph) -> nx.DiGraph:
    """A forward export with the unnamed views it drew apart ("x (view)": matmul's unsqueezed 1-D `x`) merged
    into the named tensor they view, so `x` is drawn feeding the op that read it. The view's shapes are kept
    on the tensor (`views`) for its hover. Views that an op produced (with a grad_fn) stay: they are results."""
    by_name = {d.get("name"): n for n, d in graph.nodes(data=True) if d.get("name")}
    merges = {}
    for n, d in graph.nodes(data=True):
        label = str(d.get("label") or "")
        if d.get("name") or not label.endswith(VIEW_SUFFIX) or graph.in_degree(n):
            continue
        base = by_name.get(label[: -len(VIEW_SUFFIX)])
        if base is not None and base != n:
            merges[n] = base
    if not merges:
        return graph
    shown = graph.copy()
    for view, base in merges.items():
        shape = graph.nodes[view].get("shape")
        views = list(shown.nodes[base].get("views") or ())
        if shape is not None and tuple(shape) not in views:
            views.append(tuple(shape))
        shown.nodes[base]["views"] = views
        for _, reader, attrs in graph.out_edges(view, data=True):
            shown.add_edge(base, reader, **attrs, view_of=view)
        shown.remove_node(view)
    return shown


def with_moved_marked(graph: nx.DiGraph) -> nx.DiGraph:
    """A forward graph whose tensors saved for backward and changed in place since carry `moved` = (saved name,
    version saved, version now), for their label and outline."""
    moved = moved_tensors(graph)
    if not moved:
        return graph
    marked = graph.copy()
    for tensor, (name, _op, then, now) in moved.items():
        marked.nodes[tensor]["moved"] = (name, then, now)
    return marked
