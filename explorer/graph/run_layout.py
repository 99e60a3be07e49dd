"""A run's graphs made ready to draw, once, where the run is made (the sandbox's worker): AccumulateGrad nodes
named after their leaves, and one layout per graph (the forward graph, the backward graph, each recorded pass's
graph). Every view and export of the result reuses these layouts.

Layouts are in pixels: each node takes the room of its marker and its label (explorer/graph/labels.py), so the
figure drawn one unit a pixel (explorer/graph/figures.py) has no two labels overlapping.
"""

from __future__ import annotations

from dataclasses import astuple

import networkx as nx

from explorer.graph.figures import BIG_GRAPH, graph_view, part_title_size
from explorer.graph.labels import node_box
from explorer.graph.layout import Layout, layered_layout
from explorer.graph.names import with_tensor_names
from explorer.graph.shown import folded, one_node_per_tensor, with_moved_marked

LAYER_GAP = 30  # px between the tallest labels of neighbouring layers: room for the edges' arrows
NODE_GAP = 22  # px between one node's label and the next node's marker
SMALL_GAP = 14  # the same in an unlabelled (big) graph
BEND_WIDTH = 14  # px an edge's bend point takes in a layer it passes through
PART_GAP = 48  # px between separate computations
ROW_WIDTH = 1100  # separate computations sit side by side up to this width (the Playground's page width)


def lay_out(result) -> None:
    """Name a RunResult's backward graph and fill its `forward_layout`, `backward_layout` and `pass_layouts`
    (one per pass, None where a pass has no graph)."""
    if result.backward_graph is not None:
        result.backward_graph = with_tensor_names(result.backward_graph, result.names)
    result.forward_layout = _layout(result.forward_graph)
    result.backward_layout = _layout(result.backward_graph, result.names)
    result.pass_layouts = [_layout(p.graph, result.names) for p in result.passes]


def graph_layout(graph: nx.DiGraph, *, saved: bool | None = None, max_width: float | None = ROW_WIDTH,
                 fold: bool = True) -> Layout:
    """The pixel layout of a graph export as the figures draw it (Layout.graph: what is drawn, see
    explorer/graph/shown.py). saved: room for what the tape kept under each backward function (the backward
    view's default). fold: module calls and a repeated loop folded (Layout.extras["folded"] says whether
    anything was; extras["member_of"] maps a folded node to the box it is drawn in)."""
    if saved is None:
        saved = graph_view(graph) == "backward"
    graph = with_moved_marked(one_node_per_tensor(graph))
    drawn = folded(graph) if fold else graph
    member_of = {m: n for n, d in drawn.nodes(data=True) for m in d.get("members") or ()}
    # a box folded inside another (a module inside a folded loop) is drawn in the outer one
    for m, box in list(member_of.items()):
        while box in member_of:
            box = member_of[box]
        member_of[m] = box
    graph = drawn
    labelled = graph.number_of_nodes() <= BIG_GRAPH

    def box(g, n):
        return astuple(node_box(g, n, saved=saved, labelled=labelled))

    layout = layered_layout(
        graph, box=box, layer_gap=LAYER_GAP if labelled else SMALL_GAP,
        node_gap=NODE_GAP if labelled else SMALL_GAP, bend_width=BEND_WIDTH if labelled else 4, parts=True,
        part_title=lambda g, nodes: part_title_size(g, nodes, 99), part_gap=PART_GAP, max_width=max_width)
    layout.extras.update(labelled=labelled, saved=saved, folded=bool(member_of), member_of=member_of)
    return layout


def _layout(graph, names=None):
    if graph is None or graph.number_of_nodes() == 0:
        return None
    return graph_layout(with_tensor_names(graph, names) if names else graph)
