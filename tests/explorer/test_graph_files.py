"""Exports: JSON parses back with every node and edge, DOT text names them all, HTML embeds plotly."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np

from explorer.graph_figures import graph_figure
from explorer.graph_files import export_files, figure_to_html, graph_to_dot, graph_to_json
from explorer.graph_layout import layered_layout


def sample() -> nx.DiGraph:
    g = nx.DiGraph(roots=["n2"])
    g.add_node("n2", kind="function", name="DivBackward0", saved={"other": np.array([0.0, np.inf])},
               backward_formulas=('grad_self = grad / other',), released=False)
    g.add_node("n1", kind="accumulate", name="AccumulateGrad", tensor="t1", tensor_name='say "hi"')
    g.add_node("none:n2:1", kind="none")
    g.add_node("t9", kind="constant", name=None, label="c", shape=(2,), dtype="torch.float64",
               value=np.array([np.nan, 1.5]))
    g.add_edge("n2", "n1", input_nr=0, output_nr=0)
    g.add_edge("n2", "none:n2:1", input_nr=1, output_nr=0)
    return g


def test_json_round_trips_nodes_edges_arrays_and_positions():
    g = sample()
    layout = layered_layout(g)
    data = json.loads(graph_to_json(g, layout))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == set(g.nodes)
    assert nodes["n2"]["saved"] == {"other": [0.0, "inf"]}  # strict JSON: no bare Infinity
    assert nodes["t9"]["value"] == ["nan", 1.5]
    assert (nodes["n1"]["x"], nodes["n1"]["y"]) == layout.positions["n1"]
    assert {(e["source"], e["target"], e["input_nr"]) for e in data["edges"]} == {
        ("n2", "n1", 0), ("n2", "none:n2:1", 1)}
    assert data["graph"] == {"roots": ["n2"]}


def test_dot_has_every_node_and_edge_with_escaped_labels():
    g = sample()
    dot = graph_to_dot(g)
    assert dot.startswith('digraph "autograd" {') and dot.rstrip().endswith("}")
    for n in g.nodes:
        assert re.search(rf'^  "{re.escape(n)}" \[label=', dot, re.M)
    assert '  "n2" -> "n1" [label="0"];' in dot
    assert '  "n2" -> "none:n2:1" [label="1"];' in dot
    assert 'AccumulateGrad\\nsay \\"hi\\"' in dot
    assert "shape=hexagon" in dot and "shape=box" in dot


def test_html_is_standalone_and_does_not_autoplay():
    fig = graph_figure(sample())
    page = figure_to_html(fig)
    assert page.lstrip().lower().startswith("<html") or "<!doctype html>" in page[:200].lower()
    assert "plotly.js" in page.lower() or "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # plotly.js itself is embedded, so the file opens offline
    files = export_files(sample(), fig, stem="bce")
    assert set(files) == {"bce.html", "bce.json", "bce.dot"}
    assert json.loads(files["bce.json"][0].decode())["directed"] is True
    assert files["bce.dot"][1] == "text/vnd.graphviz"
