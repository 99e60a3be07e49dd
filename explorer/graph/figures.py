"""Plotly figures of the forward and backward graphs, with values, gradients and a highlighted node.

Input is the engine's graph export (`engine.graph.forward_graph` / `backward_graph`, plain
`networkx.DiGraph`s), so this module never touches tensors. Every node trace carries the node ids as
`customdata`, so a page can map a clicked point back to its node.

Trace order (fixed, recorded in `fig.layout.meta`): edge traces, arrow heads, one node trace per kind,
then the highlight-edges trace and the highlight-node trace last, so an animation can restyle only those.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from explorer.graph.labels import (
    RING_PAD,
    drawn_label,
    label_offset,
    marker_size,
    moved_versions,
    node_label,
    saved_name,
)
from explorer.graph.layout import Layout, natural_key
from explorer.graph.names import with_tensor_names
from explorer.graph.text_size import LABEL_FONT, LABEL_PX, TITLE_PX, text_width
from explorer.text import CATALOGUE, LANGUAGES, t
from explorer.text.values import ValueSummary, shape_text, value_text

__all__ = ["node_label"]  # re-exported: exports and views name nodes with it

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
    "module": (OKABE_ITO["purple"], "square"),
    "loop": (OKABE_ITO["grey"], "octagon"),
}
KIND_ORDER = ("leaf", "constant", "scalar", "intermediate", "output", "op", "function", "accumulate", "none",
              "collapsed", "module", "loop")
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


def _hover_value(value, lang: str) -> str:
    return html.escape(value_text(value, lang)).replace("\n", "<br>")


def saved_rows(d: Mapping, lang: str) -> list[tuple[str, object, str]]:
    """What the tape kept for a node, by PyTorch's names: (`_saved_self`, value, version text)."""
    versions = d.get("saved_versions") or {}
    moved = moved_versions(d)
    rows = []
    for name, value in (d.get("saved") or {}).items():
        if name in moved:
            version = t("graph.saved_moved_long", lang, then=moved[name][0], now=moved[name][1])
        elif versions.get(name) is not None:
            version = t("graph.saved_version", lang, v=int(versions[name][0]))
        else:
            version = ""
        rows.append((saved_name(name), value, version))
    return rows


def _lines_for_op(d: Mapping, lang: str) -> list[str]:
    lines = []
    if d.get("module"):
        lines.append(f"{t('graph.made_in', lang)}: {html.escape(module_title(d['module']))}")
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
        for name, value, version in saved_rows(d, lang):
            suffix = f"  <i>({html.escape(version)})</i>" if version else ""
            lines.append(f"&nbsp;&nbsp;{html.escape(name)} = {_hover_value(value, lang)}{suffix}")
    return lines


def module_title(module: Mapping) -> str:
    """`fc1: Linear(4 -> 8)`: the attribute, the class, and its sizes when its settings give them."""
    settings = str(module.get("settings") or "")
    pairs = dict(p.split("=", 1) for p in settings.replace(" ", "").split(",") if "=" in p)
    sizes = [pairs[k] for k in ("in_features", "out_features") if k in pairs]
    inside = " -> ".join(sizes) if len(sizes) == 2 else settings
    path = module.get("path") or ""
    kind = module.get("kind") or "Module"
    return f"{path}: {kind}({inside})" if path else f"{kind}({inside})"  # a layer called on its own


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
    elif kind in ("module", "loop"):
        lines.append(html.escape(t(f"graph.{kind}_hover", lang, n=len(d.get("members") or ()))))
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
        for view in d.get("views") or ():
            lines.append(html.escape(t("graph.used_as_view", lang, shape=shape_text(view))))
        if d.get("moved") is not None:
            name, then, now = d["moved"]
            moved = t("graph.tensor_moved_long", lang, name=saved_name(name), then=then, now=now)
            lines.append(f"<b>{html.escape(moved)}</b>")
    if gradient is not None:
        lines.append(f"{t('graph.grad_here', lang)}: {_hover_value(gradient, lang)}")
    if d.get("copy_of") is not None:
        lines.append(f"<i>{t('graph.repeated', lang)}</i>")
    return "<br>".join(lines)


def _dtype_short(dtype) -> str:
    return str(dtype).replace("torch.", "") if dtype else ""


def _one_or_all(values: list):
    return values[0] if values and all(v == values[0] for v in values) else values


def _numbers(values: list, packed: bool):
    """A big graph's coordinates as a numpy array: Plotly sends it as one typed array instead of checking and
    writing thousands of numbers one by one (half the time of drawing 2,000 nodes)."""
    return np.asarray(values, dtype=np.float64) if packed else values


def _edge_xy(paths, packed: bool = False) -> tuple[list, list]:
    """Polylines joined into one trace, broken by None (NaN when packed: a gap all the same)."""
    xs: list = []
    ys: list = []
    for path in paths:
        for x, y in path:
            xs.append(x)
            ys.append(y)
        xs.append(None)
        ys.append(None)
    if packed:
        return (np.array([np.nan if v is None else v for v in xs], dtype=np.float64),
                np.array([np.nan if v is None else v for v in ys], dtype=np.float64))
    return xs, ys


def _arrow_heads(paths, stops) -> tuple[list, list, list]:
    """One arrow marker per edge, on its last segment just before the node it enters, pointing along it."""
    xs, ys, angles = [], [], []
    for path, stop in zip(paths, stops):
        (x0, y0), (x1, y1) = path[-2], path[-1]
        length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
        back = min(stop, 0.5 * length) / length
        xs.append(x1 - back * (x1 - x0))
        ys.append(y1 - back * (y1 - y0))
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


# --- the figure's size: one unit of the layout is one pixel on screen, so labels fit as laid out -------------

PAD = 12  # around the drawing, inside the plot area
TITLE_BAND = 56  # the figure's title above the plot area
NOTICE_BAND = 26
LEGEND_PX = 14
LEGEND_ROW = 28  # height of one row of legend entries
MIN_WIDTH = 600  # narrow graphs still leave room for the title and the legend
OVERVIEW_WIDTH, OVERVIEW_HEIGHT = 1200, 3000  # an unlabelled big graph is shrunk to fit in this


def part_title(graph: nx.DiGraph, nodes, index: int, lang: str) -> str:
    """"Part 2: loss" (forward: what the part computes) or "Part 2: gradients for w, b" (backward)."""
    names = []
    if graph_view(graph) == "backward":
        names = [str(graph.nodes[n].get("tensor_name")) for n in nodes
                 if graph.nodes[n].get("kind") == "accumulate" and graph.nodes[n].get("tensor_name")]
        key = "graph.part_grads"
    else:
        names = [str(graph.nodes[n]["name"]) for n in nodes
                 if graph.nodes[n].get("kind") == "output" and graph.nodes[n].get("name")]
        key = "graph.part_computes"
    names = sorted(dict.fromkeys(names), key=natural_key)
    if not names:
        return t("graph.part", lang, k=index + 1)
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return t(key, lang, k=index + 1, names=shown)


def part_title_size(graph: nx.DiGraph, nodes, index: int) -> tuple[float, float]:
    width = max(text_width(part_title(graph, nodes, index, lang), TITLE_PX) for lang in LANGUAGES)
    return width * 1.08 + 4, TITLE_PX * 1.3 + 14  # bold is a little wider


def _legend_rows(names: list[str], width: float) -> tuple[int, float]:
    entry = max((text_width(n, LEGEND_PX) for n in names), default=0.0) + 48
    per_row = max(1, int((width - 20) // entry))
    return -(-len(names) // per_row), entry


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
    tensor_names: Mapping[str, str] | None = None,
    linked: Iterable[Hashable] = (),
    found: Iterable[Hashable] = (),
    extra_margin: Mapping[str, int] | None = None,
) -> go.Figure:
    """Draw a forward or backward graph export, as laid out by explorer/graph/run_layout.py (laid out here
    when no layout is given). Gradients (arrays by node / by edge) shade the overlay.

    tensor_names ({tensor id: name}, e.g. a RunResult's `names`) names AccumulateGrad nodes; linked: nodes
    the other view's selection stands for (ringed in a dashed line); found: nodes a search matched.
    The figure is as big as the drawing, one layout unit a pixel, so labels never overlap or leave it.
    """
    from explorer.graph.run_layout import graph_layout

    style = THEMES[theme]
    if layout is None:
        layout = graph_layout(graph)
    shown = with_tensor_names(layout.graph, tensor_names)
    view = graph_view(graph)
    labelled = layout.extras.get("labelled", shown.number_of_nodes() <= BIG_GRAPH)
    saved = layout.extras.get("saved", False)
    small = not labelled  # a big graph: small markers, labels left to the hover, coordinates packed
    node_gradients = dict(node_gradients or {})
    edge_gradients = dict(edge_gradients or {})

    fig = go.Figure()
    edges = sorted(layout.edge_paths, key=lambda e: (natural_key(e[0]), natural_key(e[1])))
    edge_mag = {e: magnitude(edge_gradients[e]) for e in edges if edge_gradients.get(e) is not None}
    top = max(edge_mag.values(), default=0.0)
    plain = [layout.edge_paths[e] for e in edges if e not in edge_mag]
    xs, ys = _edge_xy(plain, small)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=t("graph.edges", lang), hoverinfo="skip",
                             line={"color": style["edge"], "width": 1.5}, showlegend=False))
    for b, colour in enumerate(GRAD_BINS):
        members = [e for e in edges if e in edge_mag and _grad_bin(edge_mag[e], top) == b]
        if not members:
            continue
        xs, ys = _edge_xy((layout.edge_paths[e] for e in members), small)
        upper = top * ((b + 1) / len(GRAD_BINS)) ** 2
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip",
                                 name=t("graph.grad_bin", lang, v=f"{upper:.3g}"),
                                 line={"color": colour, "width": 2 + 2.5 * b}))
    stops = [(5 if small else marker_size(shown.nodes[v].get("kind")) / 2) + 7 for _, v in edges]
    ax, ay, angles = _arrow_heads([layout.edge_paths[e] for e in edges], stops)
    if small:
        ax, ay, angles = np.array(ax), np.array(ay), np.array(angles)
    fig.add_trace(go.Scatter(x=ax, y=ay, mode="markers", hoverinfo="skip", showlegend=False,
                             marker={"symbol": "arrow", "angle": angles, "size": 8 if small else 12,
                                     "color": style["edge"]}))

    node_mag = {n: magnitude(g) for n, g in node_gradients.items() if g is not None and n in shown}
    node_top = max(node_mag.values(), default=0.0)
    by_kind: dict[str, list] = {}
    for n in sorted(shown.nodes, key=natural_key):
        by_kind.setdefault(shown.nodes[n].get("kind", "intermediate"), []).append(n)

    def gradient_of(n):
        return node_gradients.get(shown.nodes[n].get("copy_of", n))

    for kind in sorted(by_kind, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER)):
        members = by_kind[kind]
        colour, symbol = KIND_STYLE.get(kind, (OKABE_ITO["grey"], "circle"))
        size = 10 if small else marker_size(kind)
        line_width = [2 + 6 * np.sqrt(node_mag[n] / node_top) if node_top and n in node_mag else 1.5
                      for n in members]
        line_colour = [GRAD_BINS[_grad_bin(node_mag[n], node_top)] if n in node_mag else style["ring"]
                       for n in members]
        moved = [bool(moved_versions(shown.nodes[n])) or shown.nodes[n].get("moved") is not None for n in members]
        if any(moved):  # a saved tensor changed in place: the node is outlined in vermillion
            line_width = [5.0 if m else w for m, w in zip(moved, line_width)]
            line_colour = [OKABE_ITO["vermillion"] if m else c for m, c in zip(moved, line_colour)]
        fig.add_trace(go.Scatter(
            x=_numbers([layout.positions[n][0] for n in members], small),
            y=_numbers([layout.positions[n][1] for n in members], small),
            mode="markers",
            name=kind_text(kind, lang),
            hovertext=[node_hover(shown, n, lang, gradient_of(n)) for n in members],
            hoverinfo="text",
            # copies of a repeated input select the input itself
            customdata=[str(shown.nodes[n].get("copy_of", n)) for n in members],
            # one value for all when they are all alike: thousands of equal colours cost Plotly time to check
            marker={"symbol": symbol, "size": size, "color": colour,
                    "line": {"width": _one_or_all(line_width) if small else line_width,
                             "color": _one_or_all(line_colour) if small else line_colour}},
        ))
    # the labels, in one trace, each starting clear of its node's ring (the step's highlight)
    named = sorted((n for n in shown.nodes
                    if labelled or shown.nodes[n].get("kind") in ("output", "collapsed", "loop", "module")),
                   key=natural_key)
    fig.add_trace(go.Scatter(
        x=[layout.positions[n][0] + (label_offset(shown.nodes[n].get("kind")) if labelled else 8) for n in named],
        y=[layout.positions[n][1] for n in named],
        mode="text", name="labels", showlegend=False,
        text=[drawn_label(shown, n, lang, saved=saved) for n in named],
        textposition="middle right",
        textfont={"size": LABEL_PX, "color": style["text"], "family": LABEL_FONT},
        hovertext=[node_hover(shown, n, lang, gradient_of(n)) for n in named], hoverinfo="text",
        customdata=[str(shown.nodes[n].get("copy_of", n)) for n in named],
        meta="labels",
    ))
    marks = _marks_traces(layout, linked, found, style)
    for trace in marks:
        fig.add_trace(trace)

    hl_edges, hl_node = highlight_traces(layout, highlight, theme)
    fig.add_trace(hl_edges)
    fig.add_trace(hl_node)
    n_traces = len(fig.data)
    legend_names = [tr.name for tr in fig.data if tr.showlegend is not False and tr.name]
    _size_figure(fig, layout, legend_names, labelled, bool(layout.notice), extra_margin or {})
    fig.update_layout(
        template=style["template"],
        title={"text": title if title is not None else t(f"graph.{view}_title", lang), "font": {"size": 17},
               "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
               "pad": {"t": 14}},
        showlegend=True,
        hovermode="closest",
        hoverlabel={"font": {"size": 14, "family": "monospace"}, "align": "left"},
        clickmode="event+select",
        dragmode="pan",
        meta={"view": view, "highlight_edges_trace": n_traces - 2, "highlight_trace": n_traces - 1,
              "notice": layout.notice_text(lang), "labels_trace": n_traces - 3 - len(marks),
              "one_to_one": labelled},
    )
    for part in layout.parts:
        if part.title_at is None:
            continue
        fig.add_annotation(text=f"<b>{html.escape(part_title(shown, part.nodes, part.index, lang))}</b>",
                           x=part.title_at[0], y=part.title_at[1], xref="x", yref="y", showarrow=False,
                           name="part-title",
                           xanchor="left", yanchor="top", align="left",
                           font={"size": TITLE_PX, "color": style["text"], "family": LABEL_FONT})
    if layout.notice:
        fig.add_annotation(text=html.escape(layout.notice_text(lang)), showarrow=False, xref="paper",
                           yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           font={"size": 14, "color": OKABE_ITO["vermillion"]})
    return fig


def _size_figure(fig: go.Figure, layout: Layout, legend_names: list[str], labelled: bool, notice: bool,
                 extra: Mapping[str, int]) -> None:
    """Axis ranges and figure size such that one layout unit is one pixel (a big unlabelled graph is shrunk
    to fit instead); margins fixed, so nothing Plotly adds (the legend) can shrink the plot area."""
    x0, y0, x1, y1 = layout.bounds
    width, height = (x1 - x0) + 2 * PAD, (y1 - y0) + 2 * PAD
    scale = 1.0 if labelled else min(1.0, OVERVIEW_WIDTH / max(width, 1), OVERVIEW_HEIGHT / max(height, 1))
    plot_w, plot_h = width * scale, height * scale
    left, right = 10 + extra.get("l", 0), 10 + extra.get("r", 0)
    fig_w = max(MIN_WIDTH, plot_w + left + right)
    # a narrow drawing keeps one unit a pixel: the x range widens with the figure, centred on the drawing
    spare = (fig_w - left - right - plot_w) / scale
    xr = [x0 - PAD - spare / 2, x1 + PAD + spare / 2]
    rows, entry = _legend_rows(legend_names, fig_w)
    top = TITLE_BAND + (NOTICE_BAND if notice else 0) + extra.get("t", 0)
    bottom = rows * LEGEND_ROW + 16 + extra.get("b", 0)
    fig.update_layout(
        width=round(fig_w), height=round(plot_h + top + bottom), autosize=False,
        margin={"l": left, "r": right, "t": top, "b": bottom, "autoexpand": False, "pad": 0},
        xaxis={"visible": False, "range": xr, "fixedrange": False},
        yaxis={"visible": False, "range": [y0 - PAD, y1 + PAD]},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "yref": "paper",
                "font": {"size": LEGEND_PX}, "entrywidth": entry, "entrywidthmode": "pixels",
                "tracegroupgap": 0, "itemsizing": "constant"},
    )


def _marks_traces(layout: Layout, linked, found, style) -> list[go.Scatter]:
    """Dashed rings on the nodes the other view's selection stands for, and on what a search found."""
    traces = []
    for nodes, colour, name in ((linked, OKABE_ITO["purple"], "linked"), (found, OKABE_ITO["blue"], "found")):
        at = list(dict.fromkeys(drawn_node(layout, n) for n in nodes))
        at = [n for n in at if n in layout.positions]
        if not at:
            continue
        traces.append(go.Scatter(
            x=[layout.positions[n][0] for n in at], y=[layout.positions[n][1] for n in at], mode="markers",
            hoverinfo="skip", showlegend=False, name=name, customdata=[str(n) for n in at],
            marker={"symbol": "circle-open", "color": colour,
                    "size": [marker_size(layout.graph.nodes[n].get("kind")) + 2 * RING_PAD for n in at],
                    "line": {"width": 3, "color": colour, "dash": "dot"}},
        ))
    return traces


def highlight_traces(
    layout: Layout, node: Hashable | None, theme: str = "light"
) -> tuple[go.Scatter, go.Scatter]:
    """The ring around the current node and its edges drawn bold; empty traces when node is None.

    The ring hugs the marker (its label starts beyond it: explorer/graph/labels.py)."""
    style = THEMES[theme]
    node = drawn_node(layout, node)
    paths = [] if node is None else [p for (u, v), p in sorted(
        layout.edge_paths.items(), key=lambda item: (natural_key(item[0][0]), natural_key(item[0][1])))
        if node in (u, v)]
    xs, ys = _edge_xy(paths)
    edges = go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False, name="highlight-edges",
                       line={"color": OKABE_ITO["vermillion"], "width": 5})
    at = [] if node is None or node not in layout.positions else [layout.positions[node]]
    kind = layout.graph.nodes[node].get("kind") if at else None
    size = (marker_size(kind) if layout.extras.get("labelled", True) else 10) + 2 * RING_PAD
    ring = go.Scatter(x=[p[0] for p in at], y=[p[1] for p in at], mode="markers", hoverinfo="skip",
                      showlegend=False, name="highlight", customdata=[str(node)] if at else [],
                      marker={"symbol": "circle-open", "size": size, "color": style["ring"],
                              "line": {"width": 3, "color": OKABE_ITO["vermillion"]}})
    return edges, ring


def drawn_node(layout: Layout, node: Hashable | None) -> Hashable | None:
    """The node as drawn: itself, or the folded box (a module call, a loop) it is drawn in."""
    if node is None:
        return None
    return layout.extras.get("member_of", {}).get(node, node)


def node_at(fig_customdata) -> str | None:
    """Node id from a Plotly selection/click point's customdata (a str or a 1-element list)."""
    if fig_customdata is None:
        return None
    if isinstance(fig_customdata, (list, tuple)):
        return str(fig_customdata[0]) if fig_customdata else None
    return str(fig_customdata)
