"""What each node of a graph says, and how much room it takes: its marker and the label beside it.

`node_label` is the node's name as text (exports use it); `drawn_label` is what the figure draws to the right
of the marker (long `grad_fn` names broken at a capital, what the tape kept on a second line); `node_box` is the
room both take around the node's anchor, in pixels, for the layout. Sizes come from explorer/graph/text_size.py,
so a graph is laid out with its labels' real sizes before any browser draws it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

from explorer.graph.text_size import LABEL_PX, LINE_SPACING, text_height, text_width
from explorer.text import LANGUAGES, t
from explorer.text.values import shape_text, value_text

MARKER_SIZE = {"op": 24, "function": 24, "accumulate": 26, "none": 18, "scalar": 22, "collapsed": 26,
               "module": 30, "loop": 30}
DEFAULT_MARKER = 28  # tensors
RING_PAD = 8  # the step's ring: this far outside the marker, drawn 3 px wide
LABEL_GAP = 8  # between the ring's outside and the label
SAVED_PX = 13  # the line that says what the tape kept
BREAK_AT = 22  # names longer than this are broken in two at a capital letter
_CAPITAL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Box:
    """Room a node takes around its anchor (the marker's centre), in pixels: left, right, up and down."""

    left: float
    right: float
    up: float
    down: float


def marker_size(kind: str | None) -> int:
    return MARKER_SIZE.get(kind or "", DEFAULT_MARKER)


def label_offset(kind: str | None) -> float:
    """Distance from the node's centre to the start of its label: clear of the step's ring."""
    return marker_size(kind) / 2 + RING_PAD + 1.5 + LABEL_GAP


def _dtype_short(dtype) -> str:
    return str(dtype).replace("torch.", "") if dtype else ""


def node_label(graph: nx.DiGraph, node: Hashable, lang: str = "en") -> str:
    """Text for a node: name (or op), shape and dtype, lines joined by `<br>`."""
    d = graph.nodes[node]
    kind = d.get("kind")
    if kind == "none":
        return "None"
    if kind == "collapsed":
        return t("graph.collapsed_label", lang, n=d.get("hidden", 0))
    if kind in ("op", "function"):
        return str(d.get("name") or d.get("op") or node)
    if kind == "module":
        return html.escape(str(d.get("label") or node))
    if kind == "loop":
        return t("graph.loop_label", lang, n=d.get("repeats", 0), rest=d.get("repeats", 1) - 1)
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


def broken(name: str) -> str:
    """A long CamelCase name in two lines, broken at the capital nearest its middle."""
    if len(name) <= BREAK_AT or "<" in name:
        return name
    cuts = [m.start() for m in _CAPITAL.finditer(name)]
    if not cuts:
        return name
    cut = min(cuts, key=lambda c: abs(len(name) / 2 - c))
    return f"{name[:cut]}<br>{name[cut:]}"


def saved_name(name: str) -> str:
    """PyTorch's attribute for a saved value: `grad_fn._saved_self`."""
    return f"_saved_{name}"


def moved_versions(d: dict) -> dict[str, tuple[int, int]]:
    """{saved name: (version when saved, version now)} for saved tensors changed in place since."""
    return {k: (int(v[0]), int(v[1])) for k, v in (d.get("saved_versions") or {}).items()
            if v is not None and v[0] != v[1]}


def moved_tensors(graph: nx.DiGraph) -> dict[Hashable, tuple[str, Hashable, int, int]]:
    """In a forward graph, the tensors a node saved that were changed in place since (what makes backward fail
    with "modified by an inplace operation"): {tensor: (saved name, op, version saved, version now)}. A saved
    `result` is the op's output; a saved input is the input now at the moved version."""
    found = {}
    for op, d in graph.nodes(data=True):
        if d.get("kind") != "op":
            continue
        for name, (then, now) in moved_versions(d).items():
            if name == "result":
                candidates = list(graph.successors(op))
            else:
                candidates = [u for u in graph.predecessors(op)
                              if graph.nodes[u].get("version") == now and now != then]
            if len(candidates) == 1:
                found[candidates[0]] = (name, op, then, now)
    return found


def saved_line(d: dict, lang: str, always: bool) -> str | None:
    """What the tape kept for a node, by PyTorch's names with their versions: all of it when `always`, else
    only the tensors changed in place since (what makes backward fail)."""
    if d.get("kind") not in ("op", "function"):
        return None
    if d.get("released") and always:
        return t("graph.saved_freed", lang)
    versions = d.get("saved_versions") or {}
    moved = moved_versions(d)
    names = list(d.get("saved") or {}) if always else list(moved)
    if not names:
        return None
    items = []
    for name in names:
        if name in moved:
            then, now = moved[name]
            items.append(t("graph.saved_moved", lang, name=saved_name(name), then=then, now=now))
        elif name in versions and versions[name] is not None:
            items.append(f"{saved_name(name)} v{int(versions[name][0])}")
        else:
            items.append(saved_name(name))
    return "  ".join(items)


def drawn_label(graph: nx.DiGraph, node: Hashable, lang: str = "en", *, saved: bool = False) -> str:
    """The label the figure draws beside a node (Plotly HTML). saved: list what the tape kept."""
    d = graph.nodes[node]
    kind = d.get("kind")
    text = node_label(graph, node, lang)
    if kind in ("op", "function"):
        text = broken(text)
    line = saved_line(d, lang, saved)
    colour = "#D55E00" if moved_versions(d) else "#6b6b6b"
    if line is None and d.get("moved") is not None:  # a tensor saved, then changed in place
        name, then, now = d["moved"]
        line, colour = t("graph.tensor_moved", lang, name=saved_name(name), then=then, now=now), "#D55E00"
    if line is not None:
        text += f'<br><span style="font-size:{SAVED_PX}px;color:{colour}">{html.escape(line)}</span>'
    return text


def _lines_size(text: str) -> tuple[float, float]:
    """(width, height) of a drawn label: the saved line is smaller than the rest."""
    main, _, small = text.partition('<br><span style="font-size:')
    width = text_width(main)
    height = text_height(main)
    if small:
        width = max(width, text_width(small.split(">", 1)[1], SAVED_PX))
        height += LINE_SPACING * LABEL_PX  # Plotly spaces lines by the trace's font size
    return width, height


def label_size(graph: nx.DiGraph, node: Hashable, *, saved: bool = False) -> tuple[float, float]:
    """The widest and tallest the node's drawn label is in any language."""
    sizes = [_lines_size(drawn_label(graph, node, lang, saved=saved)) for lang in LANGUAGES]
    return max(w for w, _ in sizes), max(h for _, h in sizes)


def node_box(graph: nx.DiGraph, node: Hashable, *, saved: bool = False, labelled: bool = True) -> Box:
    """Room the node takes: its marker, and its label to the right (when labelled)."""
    kind = graph.nodes[node].get("kind")
    half = marker_size(kind) / 2 + RING_PAD + 1.5  # the step's ring included
    if not labelled:
        return Box(half, half, half, half)
    width, height = label_size(graph, node, saved=saved)
    return Box(half, label_offset(kind) + width, max(half, height / 2), max(half, height / 2))

