"""The Playground page through Streamlit's AppTest: what each control changes, errors, language, links."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import numpy as np
import pytest

from explorer.lessons import FIRST_LESSON, LESSON_BY_KEY
from explorer.sandbox import run_program
from explorer.text.values import value_text
from explorer.ui.link import AppState, decode_query
from tests.explorer.ui.app_testing import (
    codes,
    drawn_labels,
    go_to,
    graphs,
    hover_texts,
    legend_entries,
    marked_nodes,
    name_in,
    node_id,
    output_blocks,
    output_of,
    program_errors,
    start,
    title_of,
)
from tests.programs import AFFINE_LOOP

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]

SMALL = """import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = (x * x).sum()
y.backward()
print(x.grad)
"""


def test_loads_with_the_first_lesson_its_leaves_output_and_graph():
    at = start()
    assert at.title[0].value == "Playground"
    assert at.text_area(key="program_editor").value == FIRST_LESSON.code
    labels = [c.label for c in at.checkbox]
    assert [label.split(".")[0] for label in labels] == ["x", "y", "w", "b"]
    assert [c.value for c in at.checkbox] == [False, False, True, True]
    output = codes(at)[0]
    # the seeded lesson prints w.grad (5 equal rows) and b.grad, as torch 2.13 does for manual_seed(0)
    assert "tensor([0.2661, 0.1179, 0.0027])" in output
    assert output.count("[0.2661, 0.1179, 0.0027]") == 6
    figure = graphs(at)[0]
    assert title_of(figure).startswith("Forward graph")
    for name in ("x", "y", "w", "b", "z", "loss", "MmBackward0", "AddBackward0"):
        node_id(figure, name)


def test_unticking_requires_grad_reruns_with_the_flag_changed():
    at = start(AppState(program=SMALL))
    assert "tensor([2., 4., 6.])" in codes(at)[0]
    at.checkbox(key="rg_x").uncheck().run()
    assert not at.exception
    assert at.session_state.overrides == {"x": False}
    # without requires_grad, y has no grad_fn: PyTorch's own error, shown next to the editor
    assert "does not require grad" in program_errors(at)[0]
    assert at.query_params["rg"] == "x:0"
    at.checkbox(key="rg_x").check().run()
    assert at.session_state.overrides == {}
    assert "tensor([2., 4., 6.])" in codes(at)[0]
    assert not program_errors(at)


def test_ticking_a_constant_gives_it_a_gradient():
    at = start()
    at.checkbox(key="rg_x").check().run()
    assert at.session_state.overrides == {"x": True}
    at.selectbox(key="node_picker").select(node_id(graphs(at)[0], "x")).run()
    details = codes(at)
    # the chain rule through z = x @ w + b: x.grad = w @ dloss/dz, and dloss/dz is b.grad
    result = run_program(FIRST_LESSON.code, requires_grad_overrides={"x": True}, isolated=False)
    expected = result.tensors["w"].value @ result.tensors["b"].grad
    np.testing.assert_allclose(result.tensors["x"].grad, expected, rtol=1e-6)
    assert value_text(result.tensors["x"].grad) in details


def test_error_is_marked_and_the_code_and_last_good_graph_stay():
    at = start(AppState(program=SMALL))
    broken = SMALL.replace("y = (x * x).sum()", "y = (x * ).sum()")
    at.text_area(key="program_editor").input(broken).run()
    assert not at.exception
    assert at.text_area(key="program_editor").value == broken
    assert "Error at line 3" in program_errors(at)[0]
    marked = [text for text in codes(at) if text.startswith(">") or "\n> " in text]
    assert marked and "> 3 | y = (x * ).sum()" in marked[0]
    assert at.warning[0].value.startswith("The graph below is from the last version")
    figure = graphs(at)[0]
    assert "x" in {name_in(label) for label in drawn_labels(figure).values()}


def test_language_switch_keeps_the_program_and_flags():
    at = start(AppState(program=SMALL))
    at.text_area(key="program_editor").input(SMALL + "print(x)\n").run()
    at.checkbox(key="rg_x").uncheck().run()
    at.sidebar.radio(key="lang_widget").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "试验场"
    assert at.text_area(key="program_editor").value == SMALL + "print(x)\n"
    assert at.session_state.overrides == {"x": False}
    assert at.checkbox(key="rg_x").value is False
    assert "第 4 行出错" in program_errors(at)[0]
    at.sidebar.radio(key="lang_widget").set_value("en").run()
    assert at.title[0].value == "Playground"
    assert at.text_area(key="program_editor").value == SMALL + "print(x)\n"


def test_query_parameters_restore_program_flags_language_and_view():
    state = AppState(program=SMALL, overrides={"x": False}, lang="zh", view="backward")
    at = start(state)
    assert at.text_area(key="program_editor").value == SMALL
    assert at.checkbox(key="rg_x").value is False
    assert at.title[0].value == "试验场"
    assert at.radio(key="view_widget").value == "backward"
    # and the app writes the same state back into the link
    assert decode_query(at.query_params).program == SMALL
    assert decode_query(at.query_params).overrides == {"x": False}


def test_view_switch_draws_the_backward_graph_and_details_show_formulas():
    at = start(AppState(program=SMALL))
    at.radio(key="view_widget").set_value("backward").run()
    figure = graphs(at)[0]
    assert title_of(figure).startswith("Backward graph")
    names = {name_in(label) for label in drawn_labels(figure).values()}
    assert "SumBackward0" in names and "MulBackward0" in names
    assert any(label.startswith("AccumulateGrad") for label in names)
    at.selectbox(key="node_picker").select(node_id(graphs(at)[0], "MulBackward0")).run()
    text = "\n".join(codes(at))
    assert "grad_self = grad * other" in text
    assert "freed after backward" in text  # retain_graph=False released the saved x
    assert at.query_params["view"] == "backward"


def gradient_traces(svg) -> list[str]:
    """The gradient shades the graph's legend lists (each with its edges drawn in that shade)."""
    shades = legend_entries(svg)
    assert all("gradient size" in name for name in shades)
    drawn = {p.get("class") for p in svg.iter("{http://www.w3.org/2000/svg}path") if "grad-" in (p.get("class") or "")}
    assert len(drawn) == len(shades)
    return shades


def test_overlay_toggle_removes_gradient_shading():
    at = start(AppState(program=SMALL))
    assert gradient_traces(graphs(at)[0])
    at.toggle(key="overlay_widget").set_value(False).run()
    assert gradient_traces(graphs(at)[0]) == []
    assert at.query_params["overlay"] == "0"


def test_int_lesson_shows_pytorch_error_and_the_int_leaf_has_no_checkbox():
    at = start(AppState(program=LESSON_BY_KEY["requires_grad_rules"].code))
    assert "only Tensors of floating point" in program_errors(at)[0]
    assert "rg_n" not in [c.key for c in at.checkbox]
    assert any("int64 cannot require grad" in c.value for c in at.caption)


def test_page_changes_keep_the_program_and_flags():
    at = start(AppState(program=SMALL))
    typed = SMALL + "print(x * 2)\n"
    at.text_area(key="program_editor").input(typed).run()
    at.checkbox(key="rg_x").uncheck().run()
    go_to(at, "step_through")
    assert at.title[0].value == "Backward step-through"
    # x no longer requires grad, so the program stops at backward(): the page says so
    assert "line 4" in at.warning[0].value
    go_to(at, "lessons")
    go_to(at, "playground")
    assert at.title[0].value == "Playground"
    assert at.text_area(key="program_editor").value == typed
    assert at.checkbox(key="rg_x").value is False


def test_export_buttons_are_offered():
    at = start(AppState(program=SMALL))
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["HTML", "SVG", "JSON", "DOT", "Program (.py for PyTorch)"]


def test_every_download_makes_its_file_when_clicked_after_the_run(monkeypatch):
    """Download buttons get callables that Streamlit runs when the button is clicked, after the script
    run ended: they must not need the session. Record them as the server does, and run them as it would."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = {}
    register = MediaFileManager.add_deferred

    def record(self, data, mimetype, coordinates, file_name=None, **options):
        made[file_name] = data
        return register(self, data, mimetype, coordinates, file_name=file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    at = start(AppState(program=SMALL))
    at.checkbox(key="rg_x").uncheck().run()  # an error: the graph (and program) shown are the last good run's
    at.checkbox(key="rg_x").check().run()
    assert set(made) == {"autograd-forward.html", "autograd-forward.json", "autograd-forward.dot",
                         "program.py"}
    files = {name: make() for name, make in made.items()}
    assert "<html>" in files["autograd-forward.html"] and "plotly" in files["autograd-forward.html"].lower()
    # the SVG download is the picture shown, itself (not a callable: it is already made)
    svg_download = next(b for b in at.get("download_button") if b.proto.label == "SVG")
    assert svg_download.proto.url and title_of(graphs(at)[0]).startswith("Forward graph")
    assert files["program.py"].endswith(SMALL)
    assert '"nodes"' in files["autograd-forward.json"] and files["autograd-forward.dot"].startswith("digraph")
    made.clear()
    at.checkbox(key="rg_x").uncheck().run()
    assert "x.requires_grad_(False)  # requires_grad box" not in made["program.py"]()  # the shown run's boxes
    # a pasted notebook downloads as Python: its code cells, not the paste with its prose and In [n] marks
    made.clear()
    at.text_area(key="program_editor").set_value((ROOT / "tests" / "seeds" / "001_cf69b824ebcb2bd1.txt").read_text(
        encoding="utf-8")).run()
    program = made["program.py"]()
    ast.parse(program)
    assert "# In [1634]:\ninp = torch.eye(4, 5, requires_grad=True)" in program and "\nIn [" not in program


def test_a_pasted_notebook_runs_its_cells_with_a_notice_in_both_languages():
    notebook = "In [1]:\nimport torch\nx = torch.tensor([1., 2.], requires_grad=True)\nprint(x * 2)\n\n" \
               "tensor([2., 4.], grad_fn=<MulBackward0>)\n\nAs the cell above shows, the result tracks its graph.\n"
    at = start(AppState(program=notebook))
    assert not at.exception
    assert "tensor([2., 4.], grad_fn=<MulBackward0>)" in codes(at)[0]
    assert "1 code cells ran" in at.info[0].value
    at.radio(key="lang_widget").set_value("zh").run()
    assert "1 个代码单元" in at.info[0].value


def test_both_views_are_linked_and_a_search_rings_matches():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code))
    at.toggle(key="both_views").set_value(True).run()
    forward, backward = graphs(at)[:2]
    assert title_of(forward).startswith("Forward") and title_of(backward).startswith("Backward")
    at.selectbox(key="node_picker").select(node_id(forward, "w")).run()
    forward, backward = graphs(at)[:2]
    assert [name_in(drawn_labels(backward)[n]) for n in marked_nodes(backward, "linked")] == ["AccumulateGrad w"]
    assert marked_nodes(forward, "highlight") == [node_id(forward, "w")]
    assert any("Dotted purple rings" in c.value for c in at.caption)
    at.text_input(key="graph_search").input("AddBackward").run()
    found = marked_nodes(graphs(at)[0], "found")
    assert [name_in(drawn_labels(graphs(at)[0])[n]) for n in found] == ["AddBackward0"]
    assert any("Nodes that match: 1" in c.value for c in at.caption)




def test_a_loop_is_drawn_folded_and_the_switch_draws_every_iteration():
    at = start(AppState(program=AFFINE_LOOP))
    folded = drawn_labels(graphs(at)[0])
    assert any(label.startswith("×100 loop") for label in folded.values())
    assert len(folded) < 20
    at.toggle(key="fold_graph").set_value(False).run()
    figure = graphs(at)[0]
    assert not any(label.startswith("×100") for label in drawn_labels(figure).values())
    # 403 nodes: a big graph is drawn as markers, each with its hover text
    hovers = hover_texts(figure).values()
    assert len(hovers) > 400
    assert sum(h.startswith("MulBackward0  ") for h in hovers) == 100
    # the folded node can be picked, and its details say what it stands for
    at.toggle(key="fold_graph").set_value(True).run()
    loop = next(n for n, label in drawn_labels(graphs(at)[0]).items() if label.startswith("×100"))
    at.selectbox(key="node_picker").select(loop).run()
    assert any("each repeats the iteration drawn next to this node" in text for text in codes(at))


def test_a_notebook_cell_that_raises_is_told_apart_from_a_program_that_fails():
    seed_004 = (ROOT / "tests" / "seeds" / "004_63cfa8fed590c734.txt").read_text(encoding="utf-8")
    at = start(AppState(program=seed_004))
    line = seed_004.splitlines().index("In [16]:") + 2  # `x.requires_grad = True` on an int tensor
    message = "RuntimeError: only Tensors of floating point and complex dtype can require gradients"
    assert program_errors(at) == [f"A cell raised an error at line {line}; the cells after it ran — {message}"]
    excerpt, output = codes(at)[0], output_of(at)
    assert f"> {line} | x.requires_grad = True" in excerpt
    assert f"line {line}: {message}\nTrue\n" in output  # in place, then the next cells
    assert ("error", f"line {line}: {message}") in output_blocks(at)  # in the notebook's stderr style
    assert output.endswith("1.000000 -0.000000\n0.333333 -0.333333")  # the two descents, in the notebook's order
    assert "the next cell runs" in " ".join(c.value for c in at.caption)
    assert not at.warning  # the run's own graph, not the last one without an error
    # a plain program still stops at its first error, and the page says how its expressions are shown
    at.text_area(key="program_editor").set_value("x = 1\nx\nx.foo\nprint(2)\n").run()
    assert program_errors(at) == ["Error at line 3 — AttributeError: 'int' object has no attribute 'foo'"]
    assert codes(at)[1] == "1"
    assert "end the line with ; to hide it" in " ".join(c.value for c in at.caption)
    at.radio(key="lang_widget").set_value("zh").run()
    assert "行末加 ; 可隐藏" in " ".join(c.value for c in at.caption)


def test_unticking_w_in_lesson_001_says_what_python_says_and_why_w_grad_is_none():
    seed_001 = (ROOT / "tests" / "seeds" / "001_cf69b824ebcb2bd1.txt").read_text(encoding="utf-8")
    at = start(AppState(program=seed_001, overrides={"w": False}))
    line = seed_001.splitlines().index("w.grad.zero_()") + 1
    assert program_errors(at) == [f"A cell raised an error at line {line}; the cells after it ran — "
                                  "AttributeError: 'NoneType' object has no attribute 'zero_'"]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("`w.grad` is None because `w` does not require grad") for c in captions)
    assert "Call after zeroing gradients" in output_of(at)  # the backward(v) cell after it ran
    at.radio(key="lang_widget").set_value("zh").run()
    assert any(c.startswith("`w.grad` 是 None，因为 `w` 不要求梯度") for c in [c.value for c in at.caption])


def test_an_error_message_is_plain_text_not_markdown():
    # a program's message with a link, an image and a forged second line reaches the page as text
    program = "assert 0, '[click](http://example.com) ![x](http://example.com/x.png) <b>bold</b>\\nline 9: forged'\n"
    at = start(AppState(program=program))
    shown = program_errors(at)
    assert shown == ["Error at line 1 — AssertionError: [click](http://example.com) ![x](http://example.com/x.png) "
                     "<b>bold</b>\\nline 9: forged"]
    body = next(e.proto.body for e in at.get("html") if "program-error" in e.proto.body)
    assert "<b>bold" not in body and "&lt;b&gt;bold" in body


def test_a_session_is_charged_the_processor_time_of_the_runs_it_made():
    # explorer/sandbox/recent_use.py: a session that keeps the workers busy starts its next runs niced
    at = start(AppState(program=f"# charged {time.time_ns()}\nimport torch\nx = torch.ones(3, requires_grad=True)\n"
                                "(x * 2).sum().backward()\nprint(x.grad)\n"))
    assert "tensor([2., 2., 2.])" in codes(at)[0]
    assert at.session_state["recent_use"].used() > 0.0
