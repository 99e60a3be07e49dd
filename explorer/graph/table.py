"""A graph as tables, for readers who cannot use the picture (a screen reader, a keyboard, a projector's back
row): one row per node as the view draws it (name, kind, shape, dtype, value, gradient, requires_grad), one
row per edge (from, to, which input, the gradient it carried), and a one-paragraph summary (how many nodes, the
loss, which leaves get gradients). Built from the same run data the views draw (explorer/graph/views.py,
backward/figures.py), so the table and the picture never disagree. Pure: no streamlit import.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from explorer.graph.figures import kind_text, magnitude
from explorer.graph.gradients import backward_gradients
from explorer.graph.labels import node_label
from explorer.graph.layout import Layout, natural_key
from explorer.graph.names import tensor_names_of, with_tensor_names
from explorer.text import t
from explorer.text.values import ValueSummary, format_number, shape_text, value_text

MAX_ROWS = 400  # a bigger graph's table lists its first nodes and edges and says how many there are
SMALL = 9  # up to this many elements a value is written out in a cell; larger ones as a summary line
NO_SIZE = -1.0  # sort key of a cell with no value: before every real one


@dataclass(frozen=True)
class NodeRow:
    node: str  # the engine's id (n7, t12): what the step-through's frames name
    name: str  # the variable's name, the op's (grad_fn's) name, or the folded box's title
    kind: str  # in the reader's language
    shape: str
    dtype: str
    value: str
    gradient: str
    requires_grad: str  # "True", "False" or "" where it does not apply (an op)
    order: int  # position in the graph's natural order (the default sort)
    size: int  # number of elements (sort key of the shape), -1 without a shape
    value_size: float  # root-mean-square of the value (its sort key), NO_SIZE without one
    gradient_size: float


@dataclass(frozen=True)
class EdgeRow:
    source: str  # names, as in the node table
    target: str
    source_id: str
    target_id: str
    input: int | None  # which input of the op (forward) / which next function (backward) this edge is
    gradient: str
    gradient_size: float


@dataclass(frozen=True)
class GraphTable:
    nodes: tuple[NodeRow, ...]
    edges: tuple[EdgeRow, ...]
    node_count: int  # before MAX_ROWS cut the rows
    edge_count: int
    summary: str


def _plain(label: str) -> str:
    """A drawn label's first line as plain text (labels are HTML: <br> between lines, names escaped)."""
    return html.unescape(label.split("<br>")[0])


def _name(graph: nx.DiGraph, node, lang: str) -> str:
    """The name the picture gives a node: a variable's, an op's (grad_fn's), a folded box's title; an
    AccumulateGrad with the leaf it adds into."""
    d = graph.nodes[node]
    if d.get("kind") == "accumulate" and d.get("tensor_name"):
        return f"AccumulateGrad ({d['tensor_name']})"
    return _plain(node_label(graph, node, lang))


def _size(value) -> float:
    if value is None or isinstance(value, str):
        return NO_SIZE
    try:
        m = magnitude(value)
    except (TypeError, ValueError):
        return NO_SIZE
    return m if math.isfinite(m) else NO_SIZE


def _value(value, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (ValueSummary, np.ndarray)) or np.ndim(value) > 0:
        return value_text(value, lang, small=SMALL, one_line=True)
    if isinstance(value, (int, float, np.number, bool, np.bool_)):
        return format_number(value)
    return str(value)


def _elements(shape) -> int:
    return -1 if shape is None else int(np.prod(tuple(shape), dtype=np.int64))


def node_rows(graph: nx.DiGraph, lang: str = "en", gradients: Mapping | None = None) -> list[NodeRow]:
    """One row per node of a drawn graph (a layout's graph: folded boxes as one row each), in natural order."""
    gradients = gradients or {}
    rows = []
    for order, node in enumerate(sorted(graph.nodes, key=natural_key)):
        d = graph.nodes[node]
        kind = d.get("kind") or ""
        is_tensor = kind in ("leaf", "constant", "intermediate", "output")
        gradient = gradients.get(node)
        if gradient is None and is_tensor and (d.get("is_leaf") or d.get("retains_grad")):
            gradient = d.get("grad")  # a leaf's .grad when no pass placed a gradient on it
        shape = d.get("shape")
        value = d.get("value") if kind not in ("op", "function", "accumulate", "module", "loop") else None
        rows.append(NodeRow(
            node=str(node), name=_name(graph, node, lang), kind=kind_text(kind, lang),
            shape="" if shape is None else shape_text(shape),
            dtype=str(d.get("dtype") or "").replace("torch.", ""),
            value=_value(value, lang), gradient=_value(gradient, lang),
            requires_grad=str(bool(d["requires_grad"])) if is_tensor and "requires_grad" in d else "",
            order=order, size=_elements(shape), value_size=_size(value), gradient_size=_size(gradient)))
    return rows


def edge_rows(graph: nx.DiGraph, names: Mapping[str, str], lang: str = "en",
              gradients: Mapping | None = None) -> list[EdgeRow]:
    """One row per edge, in the order of its ends; `names` maps a node id to its row's name."""
    gradients = gradients or {}
    rows = []
    for u, v in sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1]))):
        d = graph.edges[u, v]
        slot = d.get("arg", d.get("input_nr"))
        gradient = gradients.get((u, v))
        rows.append(EdgeRow(source=names.get(str(u), str(u)), target=names.get(str(v), str(v)),
                            source_id=str(u), target_id=str(v),
                            input=int(slot) if isinstance(slot, (int, np.integer)) else None,
                            gradient=_value(gradient, lang), gradient_size=_size(gradient)))
    return rows


def _names(items) -> str:
    return ", ".join(items)


def summary_text(graph: nx.DiGraph, view: str, lang: str, *, loss: tuple[str, object] | None,
                 leaves: list[str]) -> str:
    """How many nodes and edges, the loss, which leaves get gradients: one paragraph."""
    parts = [t("a11y.summary.size", lang, view=t(f"a11y.view.{view}", lang), nodes=graph.number_of_nodes(),
               edges=graph.number_of_edges())]
    if loss is not None:
        name, value = loss
        parts.append(t("a11y.summary.loss", lang, name=name, value=_value(value, lang) or "?"))
    parts.append(t("a11y.summary.leaves", lang, names=_names(leaves)) if leaves
                 else t("a11y.summary.no_leaves", lang))
    return sentences(parts, lang)


def sentences(parts: list[str], lang: str) -> str:
    """Sentences one after another: Chinese full stops need no space after them."""
    return ("" if lang == "zh" else " ").join(parts)


def _table(drawn: nx.DiGraph, view: str, lang: str, node_grads: Mapping, edge_grads: Mapping,
           loss, leaves: list[str], limit: int) -> GraphTable:
    nodes = node_rows(drawn, lang, node_grads)
    names = {row.node: row.name for row in nodes}
    edges = edge_rows(drawn, names, lang, edge_grads)
    return GraphTable(tuple(nodes[:limit]), tuple(edges[:limit]), len(nodes), len(edges),
                      summary_text(drawn, view, lang, loss=loss, leaves=leaves))


def _drawn(graph: nx.DiGraph, layout: Layout | None) -> nx.DiGraph:
    return layout.graph if layout is not None and layout.graph is not None else graph


def _loss(result, root_tensors) -> tuple[str, object] | None:
    forward = result.forward_graph
    for tensor in root_tensors or ():
        value = forward.nodes[tensor].get("value") if forward is not None and tensor in forward else None
        return result.names.get(tensor, str(tensor)), value
    return None


def view_table(result, view: str, lang: str = "en", layout: Layout | None = None,
               limit: int = MAX_ROWS) -> GraphTable | None:
    """The Playground's forward or backward view as tables (the last backward pass's gradients on it), or
    None when the program built no graph. layout: the one the chart draws (folded or not)."""
    from explorer.graph import views  # views imports the figures; keep this module light to import

    graph = views.graph_of(result, view)
    if graph is None:
        return None
    layout = layout or views.layout_of(result, view)
    names = tensor_names_of(result.forward_graph) if result.forward_graph is not None else {}
    names = {**names, **{k: v for k, v in result.names.items() if k not in names}}
    drawn = with_tensor_names(_drawn(graph, layout), names)
    node_grads, edge_grads = views.overlay_of(result, view, graph)
    last = result.passes[-1] if result.passes else None
    if view == "forward":
        leaves = [str(d.get("name") or n) for n, d in sorted(graph.nodes(data=True), key=lambda x: natural_key(x[0]))
                  if d.get("kind") == "leaf" and (d.get("grad") is not None or node_grads.get(n) is not None)]
    else:
        leaves = [str(d.get("tensor_name") or names.get(d.get("tensor"), d.get("tensor") or n))
                  for n, d in sorted(drawn.nodes(data=True), key=lambda x: natural_key(x[0]))
                  if d.get("kind") == "accumulate"]
    return _table(drawn, view, lang, node_grads, edge_grads, _loss(result, last.root_tensors if last else ()),
                  leaves, limit)


def pass_table(result, pass_index: int, step: int, lang: str = "en", layout: Layout | None = None,
               limit: int = MAX_ROWS) -> GraphTable:
    """A backward pass as it stands after `step` (0-based): the gradients that have flowed so far; the leaves
    in the summary are those whose AccumulateGrad has run by then."""
    from explorer.backward.figures import pass_layout, pass_until

    p = result.passes[pass_index]
    layout = layout or pass_layout(result, pass_index)
    drawn = with_tensor_names(_drawn(p.graph, layout), result.names)
    node_grads, edge_grads = backward_gradients(pass_until(p, step)) if p.events else ({}, {})
    done = {ev.node for ev in p.events[: step + 1] if ev.kind == "accumulate"}
    leaves = [str(drawn.nodes[n].get("tensor_name") or n) for n in sorted(done, key=natural_key) if n in drawn]
    return _table(drawn, "pass", lang, node_grads, edge_grads, _loss(result, p.root_tensors), leaves, limit)


# columns whose cells sort by a number (the browser sorts the others as text, numbers inside it by value)
NUMERIC_SORT = {"shape": "size", "value": "value_size", "gradient": "gradient_size", "input": "input"}


def sort_key(row, column: str) -> float | None:
    """The number a cell of `column` sorts by (its size, not its text), or None for a column sorted as text."""
    attr = NUMERIC_SORT.get(column)
    if attr is None:
        return None
    value = getattr(row, attr)
    return NO_SIZE if value is None else float(value)
