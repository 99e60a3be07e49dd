"""Exports: JSON parses back with every node and edge, DOT text names them all, HTML embeds plotly; the program
for PyTorch carries the requires_grad boxes; `python -m explorer export` writes every format."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from explorer.exports import MARK, export_files, export_program, figure_to_html, graph_to_dot, graph_to_json
from explorer.graph.figures import graph_figure
from explorer.graph.layout import layered_layout
from explorer.lessons import FIRST_LESSON, LESSON_BY_KEY, LESSONS
from explorer.sandbox import run_program


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


# --- the program for PyTorch, and `python -m explorer export` ----------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def run(source, overrides=None):
    return run_program(source, requires_grad_overrides=overrides, isolated=False)


def test_export_writes_each_changed_box_after_the_first_binding():
    code = FIRST_LESSON.code
    result = run(code, {"w": False, "x": True})
    text = export_program(code, result.leaves, {"w": False, "x": True})
    lines = text.split("\n")
    x_line = next(i for i, line in enumerate(lines) if line.startswith("x = torch.ones(5)"))
    w_line = next(i for i, line in enumerate(lines) if line.startswith("w = torch.randn"))
    assert lines[x_line + 1] == "x.requires_grad_(True)" + MARK
    assert lines[w_line + 1] == "w.requires_grad_(False)" + MARK
    assert text.count(MARK) == 2


def test_export_keeps_indentation_and_adds_the_import():
    code = "a = 1\nif a:\n    t = torch.ones(2)\nprint(t)\n"
    result = run("import torch\n" + code, {"t": True})
    shifted = [type(leaf)(**{**leaf.__dict__, "line": leaf.line - 1}) for leaf in result.leaves]
    text = export_program(code, shifted, {"t": True})
    assert "import torch\n\na = 1\nif a:\n    t = torch.ones(2)\n    t.requires_grad_(True)" + MARK in text


def _printed(result) -> str:
    return "".join(entry.text for entry in result.outputs if entry.kind == "print")


@pytest.mark.parametrize("key", [lesson.key for lesson in LESSONS if lesson.key != "requires_grad_rules"])
def test_exported_lessons_print_the_same_in_real_pytorch(tmp_path, key):
    pytest.importorskip("torch")
    code = LESSON_BY_KEY[key].code
    overrides = {"x": True} if key in ("one_layer", "no_grad_detach", "sgd_step") else {}
    result = run(code, overrides)
    path = tmp_path / "lesson.py"
    path.write_text(export_program(code, result.leaves, overrides))
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # object addresses differ from run to run
    clean = lambda s: __import__("re").sub(r" at 0x[0-9a-f]+", "", s)
    assert clean(done.stdout) == clean(_printed(result))


def test_export_command_writes_every_format(tmp_path):
    program = tmp_path / "p.py"
    program.write_text(LESSON_BY_KEY["autograd_grad"].code)
    for fmt in ("html", "json", "dot", "py"):
        out = tmp_path / f"out.{fmt}"
        done = subprocess.run([sys.executable, "-m", "explorer", "export", str(program), "--format", fmt,
                               "--out", str(out), "--view", "backward", "--in-process"],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        text = out.read_text()
        if fmt == "json":
            import json

            data = json.loads(text)
            names = sorted(n["name"] for n in data["nodes"] if n.get("kind") == "function")
            assert names == ["AddBackward0", "LogBackward0", "PowBackward0", "SumBackward0", "SumBackward0"]
        elif fmt == "dot":
            assert text.startswith('digraph "autograd"') and "AccumulateGrad\\nt" in text
        elif fmt == "html":
            assert "<html>" in text and "plotly" in text.lower()
        else:
            assert "t = torch.tensor([1., 2., 4.]).requires_grad_()" in text


def test_export_command_reports_a_program_without_graph(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("x = 1 +\n")
    done = subprocess.run([sys.executable, "-m", "explorer", "export", str(program), "--format", "json",
                           "--in-process"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("line 1: SyntaxError")
