"""Exports: JSON parses back with every node and edge, DOT text names them all, HTML embeds plotly; the program
for PyTorch carries the requires_grad boxes, and a pasted notebook is written as Python that runs with the
notebook's output; `python -m explorer export` writes every format."""

from __future__ import annotations

import ast
import dataclasses
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
from explorer.sandbox import render_outputs, run_isolated, run_program
from explorer.sandbox.notebook import CellPlan


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
    text = export_program(code, result, {"w": False, "x": True})
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
    text = export_program(code, dataclasses.replace(result, leaves=shifted), {"t": True})
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
    path.write_text(export_program(code, result, overrides))
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


# --- a pasted notebook exported as Python -----------------------------------------------------------------

SEEDS = sorted((ROOT / "tests" / "seeds").glob("*.txt"))
AS_A_FILE = CellPlan(starts=(1,), shown=frozenset())  # as `python file.py` runs it: no value shown by itself


def _shown(result) -> str:
    """The output as text, an error a cell raised as the notebook showed it; objects' addresses left out, and
    Python's `<X object at ...>` read as IPython's `<X at ...>`."""
    entries = [dataclasses.replace(e, kind="expr") if e.kind == "error" else e for e in result.outputs]
    return re.sub(r"(object )?at 0x[0-9a-f]+", "at 0x…", render_outputs(entries))


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_a_notebook_exports_as_python_that_runs_with_the_notebooks_output(path):
    text = path.read_text(encoding="utf-8")
    result = run_program(text)  # in a worker, as the page runs it: every run starts from the same random state
    exported = export_program(text, result, {})
    ast.parse(exported)
    assert not any(line.startswith("In [") for line in exported.splitlines())
    assert exported.count("\n# In [") == result.notebook_cells
    as_a_file = run_isolated(exported, cells=AS_A_FILE)
    assert as_a_file.error is None and as_a_file.cell_errors == []
    assert _shown(as_a_file) == _shown(result)


def test_a_notebook_export_keeps_the_boxes_and_runs_past_the_cell_that_raised():
    text = SEEDS[1].read_text(encoding="utf-8")
    result = run_program(text, requires_grad_overrides={"w": False})
    exported = export_program(text, result, {"w": False})
    lines = exported.splitlines()
    w_line = lines.index("w = torch.randn(5, 3, requires_grad=True)")
    assert lines[w_line + 1] == "w.requires_grad_(False)" + MARK
    assert lines[w_line + 6] == "# In [None]: (this cell raised an error in the notebook, which went on with the " \
                                "next cell)"
    assert lines[w_line + 7:w_line + 9] == ["try:", "    # 前向传播"]
    assert "except AttributeError as error:" in lines
    as_a_file = run_isolated(exported, cells=AS_A_FILE)
    assert as_a_file.error is None
    printed = as_a_file.text()
    assert "AttributeError: 'NoneType' object has no attribute 'zero_'\nFirst call\n" in printed
    assert _shown(as_a_file) == _shown(result)


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_an_exported_notebook_runs_in_real_pytorch(tmp_path, path):
    pytest.importorskip("torch")
    text = path.read_text(encoding="utf-8")
    result = run_program(text)
    file = tmp_path / "lesson.py"
    file.write_text(export_program(text, result, {}), encoding="utf-8")
    done = subprocess.run([sys.executable, str(file)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # the lessons draw unseeded random numbers: compared with every number a placeholder
    numbers = lambda s: re.sub(r"\s+", "", re.sub(r"-?\d+(\.\d*)?(e[-+]\d+)?", "#", s))
    addresses = lambda s: re.sub(r"(object )?at 0x[0-9a-f]+", "at 0x…", s)
    assert numbers(addresses(done.stdout)) == numbers(_shown(result))


def test_the_export_command_writes_a_notebook_as_python(tmp_path):
    notebook = tmp_path / "lesson.txt"
    notebook.write_text(SEEDS[4].read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "lesson.py"
    done = subprocess.run([sys.executable, "-m", "explorer", "export", str(notebook), "--format", "py",
                           "--out", str(out), "--in-process"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    exported = out.read_text(encoding="utf-8")
    ast.parse(exported)
    assert "# In [16]: (this cell raised" in exported and "except RuntimeError as error:" in exported
    assert "print(repr(torch.autograd.grad(a,(t,u))))" in exported
