"""Export a graph: standalone HTML (Plotly, works offline), JSON, and Graphviz DOT text."""

from __future__ import annotations

import json
import math
from collections.abc import Hashable

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from explorer.graph_figures import KIND_STYLE, OKABE_ITO, node_label
from explorer.graph_layout import Layout, natural_key
from explorer.text.values import value_text


def _plain(value):
    """JSON-safe copy: arrays to nested lists, non-finite floats to strings (strict JSON has no NaN)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return str(value)


def graph_to_data(graph: nx.DiGraph, layout: Layout | None = None) -> dict:
    nodes = []
    for n in sorted(graph.nodes, key=natural_key):
        entry = {"id": str(n), **_plain(dict(graph.nodes[n]))}
        if layout is not None and n in layout.positions:
            entry["x"], entry["y"] = layout.positions[n]
        nodes.append(entry)
    edges = [{"source": str(u), "target": str(v), **_plain(dict(graph.edges[u, v]))}
             for u, v in sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1])))]
    return {"directed": True, "graph": _plain(dict(graph.graph)), "nodes": nodes, "edges": edges}


def graph_to_json(graph: nx.DiGraph, layout: Layout | None = None, indent: int | None = 1) -> str:
    return json.dumps(graph_to_data(graph, layout), indent=indent, ensure_ascii=False, allow_nan=False)


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_SHAPE = {
    "op": "box", "function": "box", "accumulate": "hexagon", "none": "plaintext", "scalar": "diamond",
}


def _dot_label(graph: nx.DiGraph, node: Hashable) -> str:
    label = node_label(graph, node).replace("<br>", "\n")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", '"'), ("&#x27;", "'")):
        label = label.replace(entity, char)
    d = graph.nodes[node]
    if d.get("kind") == "constant" and "value" in d and np.size(d["value"]) <= 4:
        label += "\n" + value_text(d["value"], one_line=True)
    return label


def graph_to_dot(graph: nx.DiGraph, name: str = "autograd") -> str:
    """Graphviz DOT text, top to bottom, coloured like the figures."""
    lines = [f"digraph {_dot_quote(name)} {{", "  rankdir=TB;",
             '  node [fontname="Helvetica", style=filled, fontsize=12];']
    for n in sorted(graph.nodes, key=natural_key):
        kind = graph.nodes[n].get("kind", "intermediate")
        colour = KIND_STYLE.get(kind, (OKABE_ITO["grey"], ""))[0]
        shape = _DOT_SHAPE.get(kind, "ellipse")
        lines.append(f"  {_dot_quote(n)} [label={_dot_quote(_dot_label(graph, n))}, shape={shape}, "
                     f'fillcolor="{colour}"];')
    for u, v in sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1]))):
        attrs = graph.edges[u, v]
        slot = attrs.get("input_nr", attrs.get("arg"))
        label = f" [label={_dot_quote(slot)}]" if slot is not None else ""
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def figure_to_html(fig: go.Figure) -> str:
    """A standalone page: plotly.js is embedded, so the file opens offline in any browser."""
    return fig.to_html(full_html=True, include_plotlyjs=True, auto_play=False, config={"scrollZoom": True})


def export_files(
    graph: nx.DiGraph, fig: go.Figure, layout: Layout | None = None, stem: str = "graph"
) -> dict:
    """{file name: (bytes, mime type)}, ready for download buttons."""
    return {
        f"{stem}.html": (figure_to_html(fig).encode(), "text/html"),
        f"{stem}.json": (graph_to_json(graph, layout).encode(), "application/json"),
        f"{stem}.dot": (graph_to_dot(graph).encode(), "text/vnd.graphviz"),
    }
