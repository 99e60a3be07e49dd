"""Plotly figures of the forward and backward graphs, with values, gradients and a highlighted node.

Input is the engine's graph export (`engine.graph.forward_graph` / `backward_graph`, plain
`networkx.DiGraph`s), so this module never touches tensors. Every node trace carries the node ids as
`customdata`, so a page can map a clicked point back to its node.

Trace order (fixed, recorded in `fig.layout.meta`): edge traces, arrow heads, one node trace per kind,
then the highlight-edges trace and the highlight-node trace last, so an animation can restyle only those.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from explorer.graph.layout import Layout, layered_layout, natural_key
from explorer.graph.names import with_tensor_names
from explorer.text import CATALOGUE, t
from explorer.text.values import ValueSummary, shape_text, value_text

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies; shapes repeat the kind
# so nothing relies on colour alone.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
}
KIND_STYLE = {
    # kind: (colour, marker symbol)
    "leaf": (OKABE_ITO["orange"], "circle"),
    "constant": (OKABE_ITO["sky_blue"], "circle-open"),
    "scalar": (OKABE_ITO["sky_blue"], "diamond-open"),
    "intermediate": (OKABE_ITO["green"], "circle"),
    "output": (OKABE_ITO["vermillion"], "star"),
    "op": (OKABE_ITO["blue"], "square"),
    "function": (OKABE_ITO["blue"], "square"),
    "accumulate": (OKABE_ITO["orange"], "hexagon"),
    "none": (OKABE_ITO["grey"], "x-thin-open"),
    "collapsed": (OKABE_ITO["grey"], "hexagram"),
}
KIND_ORDER = ("leaf", "constant", "scalar", "intermediate", "output", "op", "function", "accumulate", "none",
              "collapsed")
THEMES = {
    "light": {"template": "plotly_white", "edge": "#6b6b6b", "text": "#111111", "ring": "#000000"},
    "dark": {"template": "plotly_dark", "edge": "#a8a8a8", "text": "#f2f2f2", "ring": "#ffffff"},
}
# Gradient shading: viridis is perceptually uniform and colour-blind safe; four bins keep traces few.
GRAD_BINS = ("#3b528b", "#21918c", "#5ec962", "#fde725")
BIG_GRAPH = 150  # above this many nodes labels are left to the hover, or the picture becomes ink


def kind_text(kind: str, lang: str) -> str:
    key = f"graph.kind.{kind}"
    return t(key, lang) if key in CATALOGUE else kind


def graph_view(graph: nx.DiGraph) -> str:
    """"backward" for engine.graph.backward_graph exports, "forward" otherwise."""
    kinds = {d.get("kind") for _, d in graph.nodes(data=True)}
    return "backward" if kinds & {"function", "accumulate", "none"} and "op" not in kinds else "forward"


def _dtype_short(dtype) -> str:
    return str(dtype).replace("torch.", "") if dtype else ""


def node_label(graph: nx.DiGraph, node: Hashable, lang: str = "en") -> str:
    """Text drawn next to a node: name (or op), shape and dtype."""
    d = graph.nodes[node]
    kind = d.get("kind")
    if kind == "none":
        return "None"
    if kind == "collapsed":
        return t("graph.collapsed_label", lang, n=d.get("hidden", 0))
    if kind in ("op", "function"):
        return str(d.get("name") or d.get("op") or node)
    if kind == "accumulate":
        # a raw "t12" id means nothing to a learner: show the variable name or nothing
        tensor = d.get("tensor_name")
        return f"AccumulateGrad<br>{html.escape(str(tensor))}" if tensor else "AccumulateGrad"
    if kind == "scalar":
        return str(d.get("label", value_text(d.get("value"))))
    name = d.get("name") or d.get("label") or str(node)
    parts = [html.escape(str(name))]
    if d.get("shape") is not None:
        parts.append(f"{shape_text(d['shape'])} {_dtype_short(d.get('dtype'))}".strip())
    return "<br>".join(parts)


def _hover_value(value, lang: str) -> str:
    return html.escape(value_text(value, lang)).replace("\n", "<br>")


def _lines_for_op(d: Mapping, lang: str) -> list[str]:
    lines = []
    if d.get("formula"):
        lines.append(f"{t('graph.forward', lang)}: {html.escape(d['formula'])}")
    for f in d.get("backward_formulas") or ():
        lines.append(f"{t('graph.backward', lang)}: {html.escape(f)}")
    if d.get("attrs"):
        args = ", ".join(f"{k}={v!r}" for k, v in d["attrs"].items())
        lines.append(f"{t('graph.args', lang)}: {html.escape(args)}")
    if d.get("released"):
        lines.append(t("graph.released", lang))
    elif d.get("saved"):
        lines.append(f"{t('graph.saved', lang)}:")
        lines.extend(f"&nbsp;&nbsp;{html.escape(str(k))} = {_hover_value(v, lang)}"
                     for k, v in d["saved"].items())
    return lines


def node_hover(graph: nx.DiGraph, node: Hashable, lang: str = "en", gradient=None) -> str:
    """Hover text (Plotly HTML subset) for one node: what it is, its value and .grad, its formulas."""
    d = graph.nodes[node]
    kind = d.get("kind", "")
    title = d.get("name") or d.get("label") or str(node)
    lines = [f"<b>{html.escape(str(title))}</b>  <i>{html.escape(kind_text(kind, lang))}</i>"]
    if kind in ("op", "function"):
        if d.get("op"):
            lines[0] += f"  ({html.escape(str(d['op']))})"
        lines.extend(_lines_for_op(d, lang))
    elif kind == "accumulate":
        if d.get("tensor_name") or d.get("tensor"):
            owner = d.get("tensor_name") or d.get("tensor")
            lines.append(f"{t('graph.for_tensor', lang)}: {html.escape(str(owner))}")
    elif kind == "collapsed":
        lines[0] = f"<b>{t('graph.collapsed_label', lang, n=d.get('hidden', 0))}</b>"
    elif kind != "none":
        if d.get("shape") is not None:
            lines.append(f"shape {shape_text(d['shape'])}, dtype {_dtype_short(d.get('dtype'))}, "
                         f"requires_grad={d.get('requires_grad', False)}")
        if d.get("grad_fn"):
            lines.append(f"grad_fn = {html.escape(str(d['grad_fn']))}")
        if "value" in d:
            lines.append(f"{t('graph.value', lang)}: {_hover_value(d['value'], lang)}")
        if d.get("grad") is not None:
            lines.append(f"{t('graph.grad', lang)}: {_hover_value(d['grad'], lang)}")
    if gradient is not None:
        lines.append(f"{t('graph.grad_here', lang)}: {_hover_value(gradient, lang)}")
    if d.get("copy_of") is not None:
        lines.append(f"<i>{t('graph.repeated', lang)}</i>")
    return "<br>".join(lines)


def _edge_xy(paths) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for path in paths:
        for x, y in path:
            xs.append(x)
            ys.append(y)
        xs.append(None)
        ys.append(None)
    return xs, ys


def _arrow_heads(paths) -> tuple[list, list, list]:
    """One arrow marker per edge, on its last segment at 60% of the way, pointing along it."""
    xs, ys, angles = [], [], []
    for path in paths:
        (x0, y0), (x1, y1) = path[-2], path[-1]
        xs.append(x0 + 0.6 * (x1 - x0))
        ys.append(y0 + 0.6 * (y1 - y0))
        # plotly marker angles are clockwise from north
        angles.append(float(np.degrees(np.arctan2(x1 - x0, y1 - y0))))
    return xs, ys, angles


def magnitude(value) -> float:
    """Gradient size for shading: root-mean-square, so a big tensor is not darker just for its size."""
    if value is None:
        return 0.0
    if isinstance(value, ValueSummary):
        return value.norm / max(value.size, 1) ** 0.5
    a = np.asarray(value, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(a))))


def _grad_bin(m: float, top: float) -> int:
    if top <= 0:
        return 0
    return min(len(GRAD_BINS) - 1, int(np.sqrt(m / top) * len(GRAD_BINS)))


def graph_figure(
    graph: nx.DiGraph,
    layout: Layout | None = None,
    *,
    lang: str = "en",
    theme: str = "light",
    highlight: Hashable | None = None,
    node_gradients: Mapping[Hashable, object] | None = None,
    edge_gradients: Mapping[tuple[Hashable, Hashable], object] | None = None,
    title: str | None = None,
    height: int | None = None,
    tensor_names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Draw a forward or backward graph export. Gradients (arrays by node / by edge) shade the overlay.

    tensor_names ({tensor id: name}, e.g. a RunResult's `names`) names AccumulateGrad nodes.
    """
    style = THEMES[theme]
    if layout is None:
        layout = layered_layout(graph)
    shown = with_tensor_names(layout.graph, tensor_names)
    view = graph_view(graph)
    big = shown.number_of_nodes() > BIG_GRAPH
    node_gradients = dict(node_gradients or {})
    edge_gradients = dict(edge_gradients or {})

    fig = go.Figure()
    edges = sorted(layout.edge_paths, key=lambda e: (natural_key(e[0]), natural_key(e[1])))
    edge_mag = {e: magnitude(edge_gradients[e]) for e in edges if edge_gradients.get(e) is not None}
    top = max(edge_mag.values(), default=0.0)
    plain = [layout.edge_paths[e] for e in edges if e not in edge_mag]
    xs, ys = _edge_xy(plain)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=t("graph.edges", lang), hoverinfo="skip",
                             line={"color": style["edge"], "width": 1.5}, showlegend=False))
    for b, colour in enumerate(GRAD_BINS):
        members = [e for e in edges if e in edge_mag and _grad_bin(edge_mag[e], top) == b]
        if not members:
            continue
        xs, ys = _edge_xy(layout.edge_paths[e] for e in members)
        upper = top * ((b + 1) / len(GRAD_BINS)) ** 2
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip",
                                 name=t("graph.grad_bin", lang, v=f"{upper:.3g}"),
                                 line={"color": colour, "width": 2 + 2.5 * b}))
    ax, ay, angles = _arrow_heads(layout.edge_paths[e] for e in edges)
    fig.add_trace(go.Scatter(x=ax, y=ay, mode="markers", hoverinfo="skip", showlegend=False,
                             marker={"symbol": "arrow", "angle": angles, "size": 9 if big else 13,
                                     "color": style["edge"]}))

    node_mag = {n: magnitude(g) for n, g in node_gradients.items() if g is not None and n in shown}
    node_top = max(node_mag.values(), default=0.0)
    by_kind: dict[str, list] = {}
    for n in sorted(shown.nodes, key=natural_key):
        by_kind.setdefault(shown.nodes[n].get("kind", "intermediate"), []).append(n)
    for kind in sorted(by_kind, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER)):
        members = by_kind[kind]
        colour, symbol = KIND_STYLE.get(kind, (OKABE_ITO["grey"], "circle"))
        size = 26 if kind in ("op", "function", "accumulate") else 30
        if big:
            size = 10
        line_width = [2 + 6 * np.sqrt(node_mag[n] / node_top) if node_top and n in node_mag else 1.5
                      for n in members]
        line_colour = [GRAD_BINS[_grad_bin(node_mag[n], node_top)] if n in node_mag else style["ring"]
                       for n in members]
        fig.add_trace(go.Scatter(
            x=[layout.positions[n][0] for n in members],
            y=[layout.positions[n][1] for n in members],
            # in a big graph only the landmarks keep their labels
            mode="markers" if big and kind not in ("output", "collapsed") else "markers+text",
            name=kind_text(kind, lang),
            text=[node_label(shown, n, lang) for n in members],
            textposition="middle right" if layout.direction == "TB" else "bottom center",
            textfont={"size": 15, "color": style["text"]},
            hovertext=[node_hover(shown, n, lang, node_gradients.get(shown.nodes[n].get("copy_of", n)))
                       for n in members],
            hoverinfo="text",
            # copies of a repeated input select the input itself
            customdata=[str(shown.nodes[n].get("copy_of", n)) for n in members],
            marker={"symbol": symbol, "size": size, "color": colour,
                    "line": {"width": line_width, "color": line_colour}},
        ))

    hl_edges, hl_node = highlight_traces(layout, highlight, theme)
    fig.add_trace(hl_edges)
    fig.add_trace(hl_node)
    n_traces = len(fig.data)
    fig.update_layout(
        template=style["template"],
        title=title if title is not None else t(f"graph.{view}_title", lang),
        showlegend=True,
        legend={"orientation": "h", "y": 0, "yanchor": "top", "font": {"size": 14}},
        hovermode="closest",
        hoverlabel={"font": {"size": 14, "family": "monospace"}, "align": "left"},
        xaxis={"visible": False, "range": _x_range(layout, big)},
        yaxis={"visible": False},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=height or _height_for(layout, big),
        clickmode="event+select",
        dragmode="pan",
        meta={"view": view, "highlight_edges_trace": n_traces - 2, "highlight_trace": n_traces - 1,
              "notice": layout.notice_text(lang)},
    )
    if layout.notice:
        fig.add_annotation(text=html.escape(layout.notice_text(lang)), showarrow=False, xref="paper",
                           yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           font={"size": 14, "color": OKABE_ITO["vermillion"]})
    return fig


def _x_range(layout: Layout, big: bool) -> list[float] | None:
    """Room on the right for the labels, which hang off the right of their markers."""
    xs = [x for x, _ in layout.positions.values()]
    if not xs:
        return None
    return [min(xs) - 1.0, max(xs) + (1.0 if big else 3.5)]


def _height_for(layout: Layout, big: bool = False) -> int:
    """Tall enough that labelled markers in neighbouring layers do not touch; the page scrolls."""
    depth = len(layout.layers)
    if layout.direction == "LR":
        depth = max((len(row) for row in layout.layers), default=1)
    return int(min(4000, max(420, (24 if big else 80) * depth + 140)))


def highlight_traces(
    layout: Layout, node: Hashable | None, theme: str = "light"
) -> tuple[go.Scatter, go.Scatter]:
    """The ring around the current node and its edges drawn bold; empty traces when node is None."""
    style = THEMES[theme]
    paths = [] if node is None else [p for (u, v), p in sorted(
        layout.edge_paths.items(), key=lambda item: (natural_key(item[0][0]), natural_key(item[0][1])))
        if node in (u, v)]
    xs, ys = _edge_xy(paths)
    edges = go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, name="highlight-edges",
                       line={"color": OKABE_ITO["vermillion"], "width": 5})
    at = [] if node is None or node not in layout.positions else [layout.positions[node]]
    ring = go.Scatter(x=[p[0] for p in at], y=[p[1] for p in at], mode="markers", hoverinfo="skip",
                      showlegend=False, name="highlight", customdata=[str(node)] if at else [],
                      marker={"symbol": "circle-open", "size": 52, "color": style["ring"],
                              "line": {"width": 5, "color": OKABE_ITO["vermillion"]}})
    return edges, ring


def node_at(fig_customdata) -> str | None:
    """Node id from a Plotly selection/click point's customdata (a str or a 1-element list)."""
    if fig_customdata is None:
        return None
    if isinstance(fig_customdata, (list, tuple)):
        return str(fig_customdata[0]) if fig_customdata else None
    return str(fig_customdata)
