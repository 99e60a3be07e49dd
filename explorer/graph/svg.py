"""The forward and backward graphs drawn as one self-contained SVG: what explorer/graph/figures.py shows with
Plotly (markers by kind, labels, values and gradients on hover, gradient shading, the step's ring, linked and
found rings, folded boxes, part titles, the notice, a legend), without Plotly in the page or on the server.

Every drawn node is a `<g class="node">` with its marker, its label, a `<title>` (the hover text), `data-node`
(its own id, unique), `data-select` (the id a click selects: a repeated input's copy selects the input),
`tabindex="0"`, `role="button"` and an `aria-label`; edges are paths ending in an arrow marker. No fonts, scripts
or links: the program's names and values are untrusted text and are escaped wherever they are written.

One layout unit is one pixel (the layout placed every label with its real size: explorer/graph/labels.py), so no
label overlaps another or leaves the picture. Pure: no streamlit import.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Hashable, Iterable, Mapping
from html import escape, unescape

import networkx as nx

from explorer.graph.figures import (
    BIG_GRAPH,
    GRAD_BINS,
    KIND_ORDER,
    KIND_STYLE,
    LEGEND_PX,
    LEGEND_ROW,
    MIN_WIDTH,
    NOTICE_BAND,
    OKABE_ITO,
    OVERVIEW_HEIGHT,
    OVERVIEW_WIDTH,
    PAD,
    THEMES,
    TITLE_BAND,
    _grad_bin,
    _legend_rows,
    drawn_node,
    graph_view,
    kind_text,
    magnitude,
    node_hover,
    part_title,
)
from explorer.graph.labels import RING_PAD, drawn_label, label_offset, marker_size, moved_versions
from explorer.graph.layout import Layout, natural_key
from explorer.graph.names import with_tensor_names
from explorer.graph.text_size import LABEL_FONT, LABEL_PX, LINE_SPACING, TITLE_PX
from explorer.text import t

BACKGROUND = {"light": "#ffffff", "dark": "#0e1117"}  # the app's own backgrounds: the drawing sits on the page
TITLE_PX_FIGURE = 17
_SPAN = re.compile(r'<span style="font-size:(\d+)px;color:(#[0-9A-Fa-f]{3,6})">')
_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>")


def _a(value) -> str:
    """Text for an attribute value or an element's content: every markup character escaped."""
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _plain(plotly_html: str) -> str:
    """A Plotly HTML text (`<br>`, `<b>`, entities) as plain text with newlines."""
    return "\n".join(unescape(_TAG.sub("", line)) for line in _BR.split(plotly_html))


def _label_lines(label: str) -> list[tuple[str, int, str | None]]:
    """A drawn label's lines: (plain text, font px, colour or None for the theme's text colour)."""
    lines = []
    for line in _BR.split(label):
        match = _SPAN.search(line)
        size, colour = (int(match.group(1)), match.group(2)) if match else (LABEL_PX, None)
        lines.append((unescape(_TAG.sub("", line)), size, colour))
    return lines


def _polygon(points: Iterable[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in points) + "Z"


def _star(r_out: float, r_in: float, tips: int, turn: float = -90.0) -> str:
    points = []
    for k in range(2 * tips):
        r = r_out if k % 2 == 0 else r_in
        a = math.radians(turn + 180.0 * k / tips)
        points.append((r * math.cos(a), r * math.sin(a)))
    return _polygon(points)


def _regular(r: float, sides: int, turn: float) -> str:
    return _polygon((r * math.cos(math.radians(turn + 360.0 * k / sides)),
                     r * math.sin(math.radians(turn + 360.0 * k / sides))) for k in range(sides))


@functools.lru_cache(maxsize=256)
def _shape(symbol: str, size: float) -> tuple[str, bool]:
    """(path data around (0, 0), open?) of a Plotly marker symbol `size` px across."""
    r = size / 2
    is_open = symbol.endswith("-open")
    base = symbol.removesuffix("-open")
    if base == "circle":
        d = f"M{_n(r)},0A{_n(r)},{_n(r)} 0 1,1 {_n(-r)},0A{_n(r)},{_n(r)} 0 1,1 {_n(r)},0Z"
    elif base == "square":
        d = _polygon([(-r, -r), (r, -r), (r, r), (-r, r)])
    elif base == "diamond":
        d = _polygon([(0, -1.3 * r), (1.3 * r, 0), (0, 1.3 * r), (-1.3 * r, 0)])
    elif base == "hexagon":
        d = _regular(1.05 * r, 6, 0.0)
    elif base == "octagon":
        d = _regular(1.08 * r, 8, 22.5)
    elif base == "star":
        d = _star(1.3 * r, 0.55 * r, 5)
    elif base == "hexagram":
        d = _star(1.2 * r, 0.7 * r, 6)
    elif base == "x-thin":
        c = 0.8 * r
        d = f"M{_n(-c)},{_n(-c)}L{_n(c)},{_n(c)}M{_n(c)},{_n(-c)}L{_n(-c)},{_n(c)}"
        is_open = True
    else:
        return _shape("circle", size)
    return d, is_open


class _Frame:
    """Where the layout's drawing goes in the picture: one unit a pixel (a big unlabelled graph shrunk to fit),
    margins as figures.py sized the Plotly figure."""

    def __init__(self, layout: Layout, labelled: bool, notice: bool, legend: list[str]):
        x0, y0, x1, y1 = layout.bounds
        width, height = (x1 - x0) + 2 * PAD, (y1 - y0) + 2 * PAD
        self.scale = 1.0 if labelled else min(1.0, OVERVIEW_WIDTH / max(width, 1), OVERVIEW_HEIGHT / max(height, 1))
        plot_w, self.plot_h = width * self.scale, height * self.scale
        self.left = 10.0
        self.width = max(MIN_WIDTH, plot_w + 20)
        self.x_from = x0 - PAD - (self.width - 20 - plot_w) / self.scale / 2  # a narrow drawing is centred
        self.y_top = y1 + PAD
        self.top = TITLE_BAND + (NOTICE_BAND if notice else 0)
        self.rows, self.entry = _legend_rows(legend, self.width)
        self.height = self.plot_h + self.top + self.rows * LEGEND_ROW + 16

    def xy(self, point) -> tuple[float, float]:
        return (self.left + (point[0] - self.x_from) * self.scale, self.top + (self.y_top - point[1]) * self.scale)


ARROW = 10  # px from an arrow's base to its tip


def _grad_width(b: int) -> float:
    """The width of an edge in gradient bin b: wider for a bigger gradient."""
    return 2 + 2.5 * b


def _grad_arrow(b: int) -> float:
    """The arrowhead of an edge in gradient bin b, in its colour: wider than the edge, so a thick edge still
    ends in an arrow, not a stub."""
    return max(ARROW, 2 * _grad_width(b) + 2)


def _arrow_marker(marker_id: str, colour: str, size: float) -> str:
    return (f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="0" refY="5" markerWidth="{_n(size)}" '
            f'markerHeight="{_n(size)}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10Z" '
            f'fill="{colour}"/></marker>')


def _edge_d(frame: _Frame, path, stop: float) -> str:
    """The edge's polyline, its last segment ended `stop` px before the centre of the node it enters (where the
    arrow's base is: the arrow is drawn on from there, on top of the line)."""
    points = [frame.xy(p) for p in path]
    (ax, ay), (bx, by) = points[-2], points[-1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    back = min(stop, 0.5 * length) / length
    points[-1] = (bx - back * (bx - ax), by - back * (by - ay))
    return "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in points)


def graph_svg(
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
    ident: str = "g",
) -> str:
    """A forward or backward graph export drawn as SVG text, as laid out by explorer/graph/run_layout.py (laid
    out here when no layout is given); the arguments are graph_figure's (explorer/graph/figures.py). ident:
    a prefix for the SVG's own ids (its arrow marker), unique per picture on one page."""
    from explorer.graph.run_layout import graph_layout

    style = THEMES[theme]
    background = BACKGROUND[theme]
    if layout is None:
        layout = graph_layout(graph)
    shown = with_tensor_names(layout.graph, tensor_names)
    view = graph_view(graph)
    labelled = layout.extras.get("labelled", shown.number_of_nodes() <= BIG_GRAPH)
    saved = layout.extras.get("saved", False)
    node_gradients = dict(node_gradients or {})
    edge_gradients = dict(edge_gradients or {})
    ident = re.sub(r"[^A-Za-z0-9_-]", "", ident) or "g"
    title = title if title is not None else t(f"graph.{view}_title", lang)
    notice = layout.notice_text(lang)

    edges = sorted(layout.edge_paths, key=lambda e: (natural_key(e[0]), natural_key(e[1])))
    edge_mag = {e: magnitude(edge_gradients[e]) for e in edges if edge_gradients.get(e) is not None}
    edge_top = max(edge_mag.values(), default=0.0)
    node_mag = {n: magnitude(g) for n, g in node_gradients.items() if g is not None and n in shown}
    node_top = max(node_mag.values(), default=0.0)
    kinds = sorted({shown.nodes[n].get("kind", "intermediate") for n in shown},
                   key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))
    bins = sorted({_grad_bin(m, edge_top) for m in edge_mag.values()})
    legend = [(kind_text(k, lang), ("kind", k)) for k in kinds]
    legend += [(t("graph.grad_bin", lang, v=f"{edge_top * ((b + 1) / len(GRAD_BINS)) ** 2:.3g}"), ("bin", b))
               for b in bins]
    frame = _Frame(layout, labelled, bool(notice), [name for name, _ in legend])

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="autograd-graph" width="{_n(frame.width)}" '
           f'height="{_n(frame.height)}" viewBox="0 0 {_n(frame.width)} {_n(frame.height)}" role="group" '
           f'aria-label="{_a(title)}" data-view="{view}" data-theme="{theme}" '
           f'data-highlight="{_a(drawn_node(layout, highlight) if highlight is not None else "")}" '
           f'data-plot="{_n(frame.left)} {_n(frame.top)} {_n(frame.width - frame.left)} '
           f'{_n(frame.top + frame.plot_h)}" '
           f'font-family="{_a(LABEL_FONT)}">',
           f"<title>{_a(title)}</title>",
           "<defs>" + "".join(_arrow_marker(f"{ident}-{name}", colour, size) for name, colour, size in (
               ("arrow", style["edge"], ARROW), ("arrow-ringed", OKABE_ITO["vermillion"], ARROW),
               *((f"arrow-grad-{b}", GRAD_BINS[b], _grad_arrow(b)) for b in bins))) + "</defs>",
           f'<rect class="background" width="100%" height="100%" fill="{background}"/>',
           f'<text class="graph-title" x="10" y="{_n(14 + TITLE_PX_FIGURE)}" font-size="{TITLE_PX_FIGURE}" '
           f'font-family="sans-serif" fill="{style["text"]}">{_a(title)}</text>']
    if notice:
        out.append(f'<text class="graph-notice" x="10" y="{_n(frame.top - 8)}" font-size="14" '
                   f'font-family="sans-serif" fill="{OKABE_ITO["vermillion"]}">{_a(notice)}</text>')

    # edges: plain ones, then those shaded by the gradient they carried (wider and lighter for bigger ones)
    out.append('<g class="edges" fill="none">')
    for u, v in edges:
        if (u, v) in edge_mag:
            b = _grad_bin(edge_mag[(u, v)], edge_top)
            colour, width, cls = GRAD_BINS[b], _grad_width(b), f"edge grad grad-{b}"
            arrow, size = f"arrow-grad-{b}", _grad_arrow(b)
        else:
            colour, width, cls, arrow, size = style["edge"], 1.5, "edge", "arrow", ARROW
        stop = (5 if not labelled else marker_size(shown.nodes[v].get("kind")) / 2) + 2 + size
        d = _edge_d(frame, layout.edge_paths[(u, v)], stop)
        out.append(f'<path class="{cls}" data-from="{_a(u)}" data-to="{_a(v)}" d="{d}" stroke="{colour}" '
                   f'stroke-width="{_n(width)}" marker-end="url(#{ident}-{arrow})"/>')
    ringed = drawn_node(layout, highlight)
    ringed = ringed if ringed in layout.positions else None
    if ringed is not None:  # the step's node: its edges drawn bold
        for u, v in edges:
            if ringed in (u, v):
                stop = (5 if not labelled else marker_size(shown.nodes[v].get("kind")) / 2) + 2 + ARROW + 2
                d = _edge_d(frame, layout.edge_paths[(u, v)], stop)
                out.append(f'<path class="highlight-edge" d="{d}" stroke="{OKABE_ITO["vermillion"]}" '
                           f'stroke-width="5" marker-end="url(#{ident}-arrow-ringed)"/>')
    out.append("</g>")

    for part in layout.parts:
        if part.title_at is None:
            continue
        x, y = frame.xy(part.title_at)
        out.append(f'<text class="part-title" x="{_n(x)}" y="{_n(y + 2 + 0.95 * TITLE_PX)}" font-size="{TITLE_PX}" '
                   f'font-weight="bold" fill="{style["text"]}">'
                   f"{_a(part_title(shown, part.nodes, part.index, lang))}</text>")

    marks = {}
    for nodes, name in ((linked, "linked"), (found, "found")):
        for n in nodes:
            at = drawn_node(layout, n)
            if at in layout.positions and name not in marks.get(at, ()):
                marks.setdefault(at, []).append(name)

    out.append('<g class="nodes">')
    for n in sorted(shown.nodes, key=natural_key):
        if n not in layout.positions:
            continue
        out.append(_node(shown, n, layout, frame, lang=lang, style=style, background=background, labelled=labelled,
                         saved=saved, gradient=node_gradients.get(shown.nodes[n].get("copy_of", n)),
                         mag=node_mag.get(n), top=node_top, ringed=n == ringed, marks=marks.get(n, ())))
    out.append("</g>")
    out.append(_legend(legend, frame, style, background, edge_top))
    out.append("</svg>")
    return "".join(out)


def _node(shown: nx.DiGraph, n, layout: Layout, frame: _Frame, *, lang, style, background, labelled, saved,
          gradient, mag, top, ringed: bool, marks) -> str:
    d = shown.nodes[n]
    kind = d.get("kind", "intermediate")
    colour, symbol = KIND_STYLE.get(kind, (OKABE_ITO["grey"], "circle"))
    size = marker_size(kind) if labelled else 10
    x, y = frame.xy(layout.positions[n])
    # the outline: the gradient that reached the node (width and colour), vermillion when a saved tensor moved
    if mag is not None and top:
        line_width, line_colour = 2 + 6 * math.sqrt(mag / top), GRAD_BINS[_grad_bin(mag, top)]
    else:
        line_width, line_colour = 1.5, None
    if moved_versions(d) or d.get("moved") is not None:
        line_width, line_colour = 5.0, OKABE_ITO["vermillion"]
    path, is_open = _shape(symbol, size)
    if is_open:
        fill, stroke, width = background, line_colour or colour, max(line_width, 2.0)
    else:
        fill, stroke, width = colour, line_colour or style["ring"], line_width
    label = drawn_label(shown, n, lang, saved=saved) if labelled or kind in ("output", "collapsed", "loop", "module") \
        else None
    hover = _plain(node_hover(shown, n, lang, gradient))
    name = ", ".join(line for line, _, _ in _label_lines(label or drawn_label(shown, n, lang)) if line)
    spoken = f"{name} — {kind_text(kind, lang)}"
    select = d.get("copy_of", n)
    parts = [f'<g class="node kind-{_a(kind)}" data-node="{_a(n)}" data-select="{_a(select)}" '
             f'data-kind="{_a(kind)}" data-x="{_n(x)}" data-y="{_n(y)}" transform="translate({_n(x)},{_n(y)})" '
             f'tabindex="0" role="button" aria-label="{_a(spoken)}" aria-pressed="{"true" if ringed else "false"}">',
             f"<title>{_a(hover)}</title>",
             f'<path class="marker" d="{path}" fill="{fill}" stroke="{stroke}" stroke-width="{_n(width)}"/>']
    ring = (size if labelled else 10) / 2 + RING_PAD
    for name_ in marks:  # dotted rings: what the other view's selection stands for, what a search found
        mark = OKABE_ITO["purple"] if name_ == "linked" else OKABE_ITO["blue"]
        parts.append(f'<circle class="{name_}" r="{_n(ring)}" fill="none" stroke="{mark}" stroke-width="3" '
                     f'stroke-dasharray="2 4" stroke-linecap="round"/>')
    if ringed:
        parts.append(f'<circle class="highlight" r="{_n(ring)}" fill="none" stroke="{OKABE_ITO["vermillion"]}" '
                     f'stroke-width="3"/>')
    if label is not None:
        lines = _label_lines(label)
        start = (label_offset(kind) if labelled else 8)
        step = LINE_SPACING * LABEL_PX
        first = -(len(lines) - 1) * step / 2
        spans = "".join(
            f'<tspan x="{_n(start)}" y="{_n(first + k * step)}" dominant-baseline="central"'
            + (f' font-size="{size_}" fill="{colour_}"' if colour_ else "") + f">{_a(text)}</tspan>"
            for k, (text, size_, colour_) in enumerate(lines))
        parts.append(f'<text class="label" font-size="{LABEL_PX}" fill="{style["text"]}" xml:space="preserve">'
                     f"{spans}</text>")
    parts.append("</g>")
    return "".join(parts)


def _legend(legend: list[tuple[str, tuple]], frame: _Frame, style, background, top: float) -> str:
    """The legend under the drawing: each kind of node with its marker, each gradient shade with its line."""
    if not legend:
        return ""
    per_row = max(1, int((frame.width - 20) // frame.entry))
    y0 = frame.top + frame.plot_h + 16
    out = ['<g class="legend" font-family="sans-serif">']
    for k, (name, (what, which)) in enumerate(legend):
        x = 10 + (k % per_row) * frame.entry
        y = y0 + (k // per_row) * LEGEND_ROW + LEGEND_ROW / 2
        if what == "kind":
            colour, symbol = KIND_STYLE.get(which, (OKABE_ITO["grey"], "circle"))
            path, is_open = _shape(symbol, 14)
            fill = background if is_open else colour
            stroke = colour if is_open else style["ring"]
            sample = (f'<path transform="translate({_n(x + 12)},{_n(y)})" d="{path}" fill="{fill}" stroke="{stroke}" '
                      f'stroke-width="{2 if is_open else 1.5}"/>')
            cls = f"legend-kind kind-{_a(which)}"
        else:
            sample = (f'<path d="M{_n(x)},{_n(y)}h26" stroke="{GRAD_BINS[which]}" '
                      f'stroke-width="{_n(_grad_width(which))}"/>')
            cls = "legend-grad"
        out.append(f'<g class="{cls}">{sample}<text x="{_n(x + 32)}" y="{_n(y)}" dominant-baseline="central" '
                   f'font-size="{LEGEND_PX}" fill="{style["text"]}">{_a(name)}</text></g>')
    out.append("</g>")
    return "".join(out)
