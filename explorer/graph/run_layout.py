"""A run's graphs made ready to draw, once, where the run is made (the sandbox's worker): AccumulateGrad nodes
named after their leaves, and one layout per graph (the forward graph, the
backward graph, each recorded pass's graph). Every view and export of the result reuses these layouts.
"""

from __future__ import annotations

from explorer.graph.layout import layered_layout
from explorer.graph.names import with_tensor_names


def lay_out(result) -> None:
    """Name a RunResult's backward graph and fill its `forward_layout`, `backward_layout` and `pass_layouts`
    (one per pass, None where a pass has no graph)."""
    if result.backward_graph is not None:
        result.backward_graph = with_tensor_names(result.backward_graph, result.names)
    result.forward_layout = _layout(result.forward_graph)
    result.backward_layout = _layout(result.backward_graph)
    result.pass_layouts = [_layout(p.graph) for p in result.passes]


def _layout(graph):
    return None if graph is None or graph.number_of_nodes() == 0 else layered_layout(graph)
