"""The app's pure modules: link state, lessons, program export, the export command, playground model."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from explorer import app_state
from explorer.app_state import AppState, DescentSettings, decode_query, encode_query
from explorer.export_program import MARK, export_program
from explorer.figure_frames import at_frame
from explorer.jacobian_program import candidates, jacobian_from_run, jacobian_program
from explorer.lessons import FIRST_LESSON, LESSON_BY_KEY, LESSONS, lesson_for_code
from explorer.playground_model import (
    error_excerpt,
    leaf_rows,
    node_details,
    run_program,
    selected_node,
    toggled,
)
from explorer.sandbox.result import ProgramError

ROOT = Path(__file__).resolve().parents[2]


def run(source, overrides=None):
    return run_program(source, overrides, isolated=False)


# --- link state ---------------------------------------------------------------------------------------


def test_state_round_trips_through_query_parameters():
    state = AppState(program="import torch\nx = torch.ones(2)  # 中文注释\n",
                     overrides={"x": True, "w": False}, page="step_through", lang="zh", view="backward",
                     overlay=False, pass_index=2, step=7)
    params = encode_query(state)
    assert all(isinstance(v, str) for v in params.values())
    assert decode_query(params) == state


def test_default_state_makes_a_short_link():
    assert encode_query(AppState()) == {"page": "playground"}
    descent = AppState(page="descent", descent=DescentSettings(lr=0.05, optimizer="adam"))
    assert encode_query(descent) == {"page": "descent", "d_lr": "0.05", "d_optimizer": "adam"}
    assert decode_query(encode_query(descent)).descent == descent.descent


def test_malformed_parameters_fall_back_to_defaults():
    state = decode_query({"page": "admin", "lang": "fr", "code": "!!!not base64",
                          "rg": "x:2,_y:1,ok:1", "pass": "-3", "step": "nan", "d_lr": "1e9",
                          "d_steps": "12.5", "d_optimizer": "lbfgs"})
    assert state.page == "playground" and state.lang == "en"
    assert state.program == FIRST_LESSON.code
    assert state.overrides == {"ok": True}
    assert state.pass_index == 0 and state.step == 0
    assert state.descent == DescentSettings()


def test_a_compressed_bomb_is_refused():
    bomb = app_state.base64.urlsafe_b64encode(zlib.compress(b"x" * 10_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < app_state.MAX_PARAM_CHARS
    assert app_state.decode_program(bomb) is None


def test_repeated_parameters_use_the_last_value():
    assert decode_query({"lang": ["en", "zh"]}).lang == "zh"


# --- lessons --------------------------------------------------------------------------------------------


def test_every_lesson_runs_and_only_the_int_lesson_fails():
    for lesson in LESSONS:
        result = run(lesson.code)
        if lesson.key == "requires_grad_rules":
            assert result.error.kind == "RuntimeError"
            assert result.error.line == lesson.code.split("\n").index("n.requires_grad = True") + 1
        else:
            assert result.ok, (lesson.key, result.error)
        assert lesson.title["zh"] and lesson.text["zh"] and lesson.text["en"] != lesson.text["zh"]
        assert lesson_for_code("\n" + lesson.code + "\n\n") is lesson


def test_lessons_print_the_seed_numbers():
    grads = run(LESSON_BY_KEY["autograd_grad"].code).text()
    assert "(tensor([2., 4., 8.]), tensor([0.1000, 0.0500]))" in grads
    assert "0.333333 -0.333333" in run(LESSON_BY_KEY["descent_detach"].code).text()
    text = run(LESSON_BY_KEY["accumulation"].code).text()
    assert "[8., 4., 4., 4., 4.]" in text and "[4., 2., 2., 2., 2.]" in text
    assert run(LESSON_BY_KEY["no_grad_detach"].code).text().endswith("True\nFalse\nFalse\n")


# --- program export -------------------------------------------------------------------------------------


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


# --- playground model ---------------------------------------------------------------------------------


def test_error_excerpt_marks_the_line_and_column():
    source = "import torch\nx = torch.ones(3)\ny = x @ x.t() +\nprint(y)\n"
    excerpt = error_excerpt(source, ProgramError(3, 15, "SyntaxError: invalid syntax"))
    lines = excerpt.split("\n")
    assert lines[2] == "> 3 | y = x @ x.t() +"
    assert lines[3].index("^") == lines[2].index("y") + 14
    assert lines[0] == "  1 | import torch"


def test_toggling_back_to_the_program_flag_drops_the_override():
    assert toggled({}, "w", False, True) == {"w": False}
    assert toggled({"w": False}, "w", True, True) == {}
    assert toggled({}, "x", True, None) == {"x": True}


def test_leaf_rows_show_overrides_and_int_leaves():
    code = "import torch\nw = torch.ones(2, requires_grad=True)\nn = torch.tensor([1, 2])\nw = w * 2\n"
    rows = leaf_rows(run(code, {"w": False}), {"w": False})
    assert [(r.name, r.requires_grad, r.can_require_grad, r.overridden) for r in rows] == [
        ("w", False, True, True), ("n", False, False, False)]


def test_selected_node_reads_the_plotly_event():
    event = {"selection": {"points": [{"customdata": "n3", "x": 1, "y": 2}], "point_indices": [0]}}
    assert selected_node(event, ["n3", "t1"]) == "n3"
    assert selected_node({"selection": {"points": [{"customdata": ["t1"]}]}}, ["n3", "t1"]) == "t1"
    assert selected_node({"selection": {"points": []}}, ["n3"]) is None
    assert selected_node(None, ["n3"]) is None


def test_node_details_of_a_leaf_and_an_op():
    result = run("import torch\nx = torch.tensor([1., 2.], requires_grad=True)\n"
                 "y = (x * 3).sum()\ny.backward()\n")
    graph = result.forward_graph
    leaf = next(n for n, d in graph.nodes(data=True) if d.get("name") == "x")
    rows = dict(node_details(result, "forward", leaf))
    assert rows["value"] == "[1., 2.]" and rows[".grad"] == "[3., 3.]"
    op = next(n for n, d in graph.nodes(data=True) if d.get("name") == "MulBackward0")
    rows = dict(node_details(result, "forward", op))
    assert rows["forward formula"].startswith("result = self")
    assert "gradient in the last backward pass" in rows


def test_jacobian_of_a_vector_output_matches_the_chain_rule():
    code = LESSON_BY_KEY["jacobian"].code
    result = run(code)
    output, leaves = candidates(result, 0)
    assert (output, leaves) == ("out", ["inp"])
    view = jacobian_from_run(result, run(jacobian_program(code, output, "inp")), 0, output, "inp")
    inp = np.eye(3).reshape(-1)
    np.testing.assert_allclose(view.jacobian, np.diag(2 * (inp + 1)))
    np.testing.assert_allclose(view.vjp, np.array([[4., 0, 0], [0, 8, 0], [0, 0, 12]]))
    assert view.matches
    with pytest.raises(ValueError):
        jacobian_program(code, "out; import os", "inp")


def test_at_frame_replaces_animated_traces_and_moves_the_slider():
    fig = {"data": [{"x": [0]}, {"x": [9], "name": "p"}],
           "frames": [{"name": "0", "data": [{"x": [1]}], "traces": [1]},
                      {"name": "5", "data": [{"x": [2]}], "traces": [1]}],
           "layout": {"sliders": [{"active": 1}]}}
    shown = at_frame(fig, 3)
    assert shown["data"][1] == {"x": [1], "name": "p"}
    assert shown["layout"]["sliders"][0]["active"] == 0
    assert at_frame(fig, 99)["data"][1]["x"] == [2]
    assert fig["data"][1]["x"] == [9]  # the cached figure is not touched
