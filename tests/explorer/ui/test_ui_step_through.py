"""The Backward step-through page through AppTest: passes, previous/next/slider, frames, the Jacobian."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explorer.lessons import LESSON_BY_KEY
from explorer.ui.link import AppState, decode_query
from tests.explorer.ui.app_testing import (
    SVG,
    array_of,
    charts,
    codes,
    graph_nodes,
    graphs,
    hover_texts,
    marked_nodes,
    node_label,
    start,
    title_of,
)
from tests.programs import AFFINE_LOOP

pytestmark = pytest.mark.slow

ACCUMULATION = LESSON_BY_KEY["accumulation"].code


def ringed_node(svg) -> str | None:
    ringed = marked_nodes(svg, "highlight")
    assert len(ringed) <= 1
    return ringed[0] if ringed else None


def test_link_opens_the_page_on_the_first_pass_and_step():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"))
    assert at.title[0].value == "Backward step-through"
    assert at.selectbox(key="pass_picker").value == 0
    frame = codes(at)[0]
    assert frame.startswith("Step 1/6: BinaryCrossEntropyWithLogitsBackward0 runs")
    figure = graphs(at)[0]
    assert title_of(figure) == "Backward pass 1 (backward)"
    assert node_label(figure, ringed_node(figure)) == "BinaryCrossEntropyWithLogitsBackward0"


def test_next_previous_and_slider_move_through_the_pass():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"))
    at.button(key="step_next").click().run()
    assert codes(at)[0].startswith("Step 2/6: AddBackward0 runs")
    figure = graphs(at)[0]
    assert node_label(figure, ringed_node(figure)) == "AddBackward0"
    at.button(key="step_next").click().run()
    # step 3 adds into b.grad: the accumulation shows the first gradient arriving
    assert codes(at)[0].startswith("Step 3/6: AccumulateGrad for b")
    assert ".grad was None" in codes(at)[0]
    assert codes(at)[1] == "None"  # b.grad before the first backward
    at.button(key="step_prev").click().run()
    assert codes(at)[0].startswith("Step 2/6")
    at.slider(key="step_slider").set_value(6).run()
    assert codes(at)[0].startswith("Step 6/6: AccumulateGrad for w")
    assert at.button(key="step_next").disabled
    assert decode_query(at.query_params).step == 5
    at.button(key="step_first").click().run()
    assert codes(at)[0].startswith("Step 1/6")


def test_gradients_on_the_graph_grow_step_by_step():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"))

    def shaded_edges(svg):
        return sum("grad" in (p.get("class") or "").split() for p in svg.iter(f"{SVG}path"))

    first = shaded_edges(graphs(at)[0])
    at.slider(key="step_slider").set_value(6).run()
    last = shaded_edges(graphs(at)[0])
    assert 0 < first < last


def test_second_pass_shows_accumulation_and_the_jacobian_multiple():
    at = start(AppState(program=ACCUMULATION, page="step_through"))
    assert len(at.selectbox(key="pass_picker").options) == 3
    at.selectbox(key="pass_picker").select(1).run()
    at.button(key="step_last").click().run()
    frame, before, incoming, after = codes(at)[:4]
    assert "AccumulateGrad for inp" in frame
    assert "old .grad + incoming = new .grad" in frame
    # the second call adds the same gradient again: 2 + 2 = 4 off the diagonal, 4 + 4 = 8 on it
    assert before.startswith("[[4., 2., 2., 2., 2.],")
    assert incoming == before
    assert after.startswith("[[8., 4., 4., 4., 4.],")
    # the Jacobian view: J of out = (inp + 1)^2 transposed, and .grad = 2 v^T J after the second call
    jacobian = next(f for f in charts(at) if "vᵀJ" in title_of(f) or "Jacobian" in str(f["layout"]))
    assert title_of(jacobian).startswith(".grad is 2 × vᵀJ")
    j = array_of(jacobian["data"][0]["z"])
    assert j.shape == (20, 20)
    inp = np.eye(4, 5).reshape(-1)
    # out[i, j] = (inp[j, i] + 1)^2: each output element depends on one input with slope 2 (inp + 1)
    assert np.count_nonzero(j) == 20
    np.testing.assert_allclose(np.sort(j[j != 0]), np.sort(2 * (inp + 1)))


def test_language_switch_translates_the_frames():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"))
    at.button(key="step_next").click().run()
    at.sidebar.radio(key="lang_widget").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "反向传播逐步"
    assert codes(at)[0].startswith("第 2/6 步: AddBackward0 执行")


def test_program_without_backward_says_so():
    at = start(AppState(program="import torch\nx = torch.ones(2)\nprint(x)\n", page="step_through"))
    assert "runs no backward pass" in at.info[0].value
    assert charts(at) == [] and graphs(at) == []


def test_play_toggle_adds_the_browser_animation():
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"))
    before = len(charts(at))
    assert len(graphs(at)) == 1  # the step's graph is SVG; the animation, added on demand, is Plotly's
    at.toggle(key="play_toggle").set_value(True).run()
    figures = charts(at)
    assert len(figures) == before + 1
    animated = [f for f in figures if f.get("frames")]
    assert len(animated) == 1 and len(animated[0]["frames"]) == 6


def test_a_step_inside_a_folded_loop_rings_the_loop_and_unfolding_rings_the_node():
    at = start(AppState(program=AFFINE_LOOP, page="step_through", step=3))
    figure = graphs(at)[0]
    assert node_label(figure, ringed_node(figure)).startswith("×100 loop")
    at.toggle(key="fold_pass").set_value(False).run()
    figure = graphs(at)[0]
    ringed = ringed_node(figure)
    assert hover_texts(figure)[ringed].startswith(("AddBackward0  ", "MulBackward0  "))
    assert len(graph_nodes(figure)) > 200  # every iteration drawn (the big graph has no labels but every node)


@pytest.mark.parametrize("seed", ["001_cf69b824ebcb2bd1", "002_b697bb3dc3d08806", "003_b19bde21e899cdc6"])
def test_the_jacobian_is_drawn_for_every_backward_v_pass_of_a_pasted_notebook(seed):
    """The backward(v) cells of the lessons pasted as notebooks (three passes after loss.backward()): the view
    draws J for each, with the verdict of each call (.grad = vᵀJ, then 2 vᵀJ, then vᵀJ after zeroing)."""
    text = (Path(__file__).resolve().parents[2] / "seeds" / f"{seed}.txt").read_text(encoding="utf-8")
    at = start(AppState(program=text, page="step_through"))
    verdicts = []
    for index in (1, 2, 3):
        at.selectbox(key="pass_picker").select(index).run()
        assert not at.warning
        jacobian = next(f for f in charts(at) if "vᵀJ" in title_of(f))
        verdicts.append(title_of(jacobian).split(":")[0])
    assert verdicts == ["vᵀJ equals .grad", ".grad is 2 × vᵀJ", "vᵀJ equals .grad"]


def test_a_step_button_wins_over_a_slider_the_page_had_not_redrawn():
    # a click sends every widget's value: a slider still showing the step before the last one must not take the
    # step back (a quick second press of the → key did, one time in a few)
    at = start(AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through", step=2))
    assert at.slider(key="step_slider").value == 3
    at.slider(key="step_slider").set_value(2)  # stale: what the page showed before the last run
    at.button(key="step_next").click().run()
    assert at.session_state["step"] == 3 and codes(at)[0].startswith("Step 4/6")
    at.slider(key="step_slider").set_value(6).run()  # the slider alone still moves the step
    assert at.session_state["step"] == 5
    at.slider(key="step_slider").set_value(5)
    at.button(key="step_first").click().run()
    assert at.session_state["step"] == 0
