"""What the Playground shows of a run's graph: the chosen view (forward or backward), the last backward pass's
gradients placed on it, the figure, and the details of one node. Pure: takes a sandbox RunResult, no
streamlit import. Figures are returned as plain dicts (`fig.to_dict()`), which pickle quickly for the server's
cache and which `st.plotly_chart` draws as they are.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from explorer.graph.figures import graph_figure, kind_text, node_at, node_label, saved_rows
from explorer.graph.gradients import backward_gradients, forward_gradients
from explorer.graph.layout import Layout, natural_key
from explorer.graph.links import linked_nodes, search
from explorer.graph.names import tensor_names_of
from explorer.graph.run_layout import graph_layout
from explorer.sandbox.result import RunResult
from explorer.text import t
from explorer.text.values import shape_text, value_text


def graph_of(result: RunResult, view: str) -> nx.DiGraph | None:
    """The run's forward or backward graph (its AccumulateGrad nodes named by the worker), or None."""
    graph = result.backward_graph if view == "backward" else result.forward_graph
    if graph is None or graph.number_of_nodes() == 0:
        return None
    return graph


def layout_of(result: RunResult, view: str) -> Layout | None:
    """The layout the worker made for that graph (explorer/graph/run_layout.py)."""
    return result.backward_layout if view == "backward" else result.forward_layout


def overlay_of(result: RunResult, view: str, graph: nx.DiGraph) -> tuple[dict, dict]:
    """Gradients of the last backward pass, placed on the chosen view: (by node, by edge)."""
    if not result.passes:
        return {}, {}
    last = result.passes[-1]
    if view == "backward":
        nodes, edges = backward_gradients(last)
        return ({n: g for n, g in nodes.items() if n in graph},
                {e: g for e, g in edges.items() if graph.has_edge(*e)})
    return forward_gradients(last, graph)


def linked_to(result: RunResult, from_view: str, node: str | None, to_view: str) -> list[str]:
    """The nodes of `to_view` that the node selected in `from_view` stands for: the tensor, the grad_fn that
    made it and the AccumulateGrad it feeds are one thing seen in two views (explorer/graph/links.py)."""
    if node is None or from_view == to_view:
        return []
    return [str(n) for n in linked_nodes(result.forward_graph, result.backward_graph, node, from_view)]


def found_in(result: RunResult, view: str, query: str, layout: Layout | None = None) -> list[str]:
    """The drawn nodes of a view that a search matches (by name, label, grad_fn or folded members' names)."""
    layout = layout or layout_of(result, view)
    return [] if layout is None else [str(n) for n in search(layout.graph, query)]


def expanded_layout(result: RunResult, view: str) -> Layout | None:
    """The view laid out with nothing folded: the worker's layout when it folded nothing, else a new one
    (explorer/ui/cache.py keeps it)."""
    layout = layout_of(result, view)
    graph = graph_of(result, view)
    if layout is None or graph is None or not layout.extras.get("folded"):
        return layout
    return graph_layout(graph, fold=False)


def _drawing_inputs(result, view: str, graph, layout, overlay: bool):
    """What both drawings of a view need: its layout (the worker's unless another is given), the gradients
    overlaid on its nodes and edges, and the tensors' names (the forward graph's first, then the run's)."""
    layout = layout or layout_of(result, view)
    node_grads, edge_grads = overlay_of(result, view, graph) if overlay else ({}, {})
    names = tensor_names_of(result.forward_graph) if result.forward_graph is not None else {}
    names = {**names, **{k: v for k, v in result.names.items() if k not in names}}
    return layout, node_grads, edge_grads, names


def graph_figure_dict(result: RunResult, view: str, *, lang: str = "en", theme: str = "light",
                      overlay: bool = True, highlight: str | None = None, linked: tuple = (),
                      found: tuple = (), layout: Layout | None = None) -> dict | None:
    """The Playground's graph as a Plotly figure dict, or None when the program built no graph.

    linked: nodes the other view's selection stands for; found: nodes a search matched (both ringed).
    layout: another layout of the view than the worker's (`expanded_layout`)."""
    graph = graph_of(result, view)
    if graph is None:
        return None
    layout, node_grads, edge_grads, names = _drawing_inputs(result, view, graph, layout, overlay)
    highlight = highlight if highlight in graph else None
    fig = graph_figure(graph, layout, lang=lang, theme=theme, highlight=highlight,
                       node_gradients=node_grads, edge_gradients=edge_grads, tensor_names=names, linked=linked,
                       found=found)
    return fig.to_dict()


def node_choices(graph: nx.DiGraph | None, layout: Layout | None = None) -> list[str]:
    """Node ids in a stable order: the options of the node picker next to the graph (with the folded boxes
    of the layout drawn, which a click can select too)."""
    if graph is None:
        return []
    boxes = [] if layout is None else [n for n in layout.graph if n not in graph]
    return [str(n) for n in sorted([*graph.nodes, *boxes], key=natural_key)]


def node_title(graph: nx.DiGraph, node: str, layout: Layout | None = None) -> str:
    if node not in graph and layout is not None and node in layout.graph:
        graph = layout.graph
    return node_label(graph, node).replace("<br>", "  ")


def _text(value, lang: str) -> str:
    if value is None:
        return t("detail.none", lang)
    if isinstance(value, np.ndarray) or np.ndim(value) > 0:
        return value_text(np.asarray(value), lang)
    return repr(value)


def node_details(result: RunResult, view: str, node: str, lang: str = "en") -> list[tuple[str, str]]:
    """(label, text) rows for one node: what it is, its value, .grad, grad_fn, formulas and saved values."""
    graph = graph_of(result, view)
    layout = layout_of(result, view)
    if graph is not None and node not in graph and layout is not None and node in layout.graph:
        return _folded_details(graph, layout.graph, node, lang)
    if graph is None or node not in graph:
        return []
    d = graph.nodes[node]
    kind = d.get("kind", "")
    rows = [(t("detail.kind", lang), f"{node_title(graph, node)} — {kind_text(kind, lang)}")]
    if kind in ("op", "function", "accumulate"):
        if kind == "accumulate" and d.get("tensor"):
            owner = d.get("tensor_name") or result.names.get(d["tensor"]) or d["tensor"]
            rows.append((t("detail.tensor", lang), str(owner)))
        if d.get("formula"):
            rows.append((t("detail.formula", lang), d["formula"]))
        if d.get("backward_formulas"):
            rows.append((t("detail.backward", lang), "\n".join(d["backward_formulas"])))
        if d.get("attrs"):
            rows.append((t("detail.attrs", lang), ", ".join(f"{k}={v!r}" for k, v in d["attrs"].items())))
        if d.get("released"):
            rows.append((t("detail.saved", lang), t("detail.released", lang)))
        elif d.get("saved"):
            # by PyTorch's names (grad_fn._saved_self), each with its version when saved and now
            rows.append((t("detail.saved", lang),
                         "\n".join(f"{name} = {_text(value, lang)}" + (f"  ({version})" if version else "")
                                   for name, value, version in saved_rows(d, lang))))
    elif kind != "none":
        if d.get("shape") is not None:
            rows.append((t("detail.shape", lang), f"{shape_text(d['shape'])}, {d.get('dtype', '')}"))
        if "requires_grad" in d:
            rows.append((t("detail.requires_grad", lang), str(bool(d["requires_grad"]))))
        if "value" in d:
            rows.append((t("detail.value", lang), _text(d["value"], lang)))
        if d.get("is_leaf") or d.get("retains_grad"):
            rows.append((t("detail.grad", lang), _text(d.get("grad"), lang)))
        if d.get("grad_fn"):
            rows.append((t("detail.grad_fn", lang), str(d["grad_fn"])))
            op = next((u for u in graph.predecessors(node) if graph.nodes[u].get("kind") == "op"), None)
            if op is not None and graph.nodes[op].get("formula"):
                rows.append((t("detail.formula", lang), graph.nodes[op]["formula"]))
    node_grads, _ = overlay_of(result, view, graph)
    if node_grads.get(node) is not None:
        rows.append((t("detail.gradient_here", lang), _text(node_grads[node], lang)))
    return rows


def selected_node(event, choices: list[str]) -> str | None:
    """The node id a Plotly selection event points at (its first point's customdata), if it is a node."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        node = node_at(point.get("customdata")) if isinstance(point, dict) else None
        if node is not None and node in choices:
            return node
    return None


def _folded_details(graph: nx.DiGraph, drawn: nx.DiGraph, node: str, lang: str) -> list[tuple[str, str]]:
    """A folded box: what it stands for and the nodes in it."""
    d = drawn.nodes[node]
    rows = [(t("detail.kind", lang), f"{node_title(drawn, node)} — {kind_text(d.get('kind', ''), lang)}"),
            (t("detail.about", lang), t(f"graph.{d.get('kind')}_hover", lang, n=len(d.get("members") or ())))]
    members = [m for m in d.get("members") or () if m in graph]
    names = [node_title(graph, m) for m in sorted(members, key=natural_key)
             if graph.nodes[m].get("kind") not in ("none", "scalar")]
    rows.append((t("detail.members", lang), "\n".join(names)))
    return rows


def graph_svg_text(result: RunResult, view: str, *, lang: str = "en", theme: str = "light", overlay: bool = True,
                   highlight: str | None = None, linked: tuple = (), found: tuple = (),
                   layout: Layout | None = None) -> str | None:
    """The Playground's graph as SVG text (explorer/graph/svg.py), or None when the program built no graph;
    the arguments are graph_figure_dict's."""
    from explorer.graph.svg import graph_svg

    graph = graph_of(result, view)
    if graph is None:
        return None
    layout, node_grads, edge_grads, names = _drawing_inputs(result, view, graph, layout, overlay)
    highlight = highlight if highlight in graph or (layout is not None and highlight in layout.graph) else None
    return graph_svg(graph, layout, lang=lang, theme=theme, highlight=highlight, node_gradients=node_grads,
                     edge_gradients=edge_grads, tensor_names=names, linked=linked, found=found, ident=view)
