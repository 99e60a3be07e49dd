"""Issue 17's smaller items through AppTest: the leaves offered a requires_grad box (and the dtype each states),
the last good graph only for an earlier version of the same program, the caption when a run's views were too big
to send, warnings and cell errors in a notebook's stderr style, and the step-through's words without our ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.lessons import LESSON_BY_KEY, LESSONS
from explorer.sandbox import run_program
from explorer.ui.link import AppState
from explorer.ui.session import is_edit_of
from tests.explorer.ui.app_testing import codes, go_to, output_blocks, program_errors, start

pytestmark = pytest.mark.slow

SEEDS = {path.name[:3]: path.read_text(encoding="utf-8")
         for path in sorted((Path(__file__).resolve().parents[2] / "seeds").glob("0*.txt"))}


def boxes(at) -> dict[str, str]:
    """{leaf name: its requires_grad box's label}."""
    return {box.key[len("rg_"):]: box.label for box in at.checkbox if (box.key or "").startswith("rg_")}


# the leaves each lesson makes with requires_grad (or could): no result of no_grad, detach() or autograd.grad
EXPECTED_LEAVES = {
    "000": ["x", "y", "w", "b"],
    "001": ["x", "y", "w", "b", "inp"],
    "002": ["x", "y", "w", "b", "inp"],  # not z (made under no_grad) nor z_det (detach())
    "003": ["x", "y", "w", "b", "inp"],
    "004": ["x", "y", "z", "t", "u", "w1", "w2", "a", "b"],  # nor the autograd.grad results ga, gb
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_the_lessons_offer_boxes_for_the_leaves_they_make_with_the_dtype_they_made(seed):
    at = start(AppState(program=SEEDS[seed]))
    labels = boxes(at)
    assert list(labels) == EXPECTED_LEAVES[seed]
    lines = SEEDS[seed].splitlines()
    for name, label in labels.items():
        line, dtype = re.search(r"\(line (\d+), (\w+)\)", label).groups()
        code = lines[int(line) - 1]
        assert re.match(rf"\s*{name}\s*=", code), (label, code)  # the line that makes it
        expected = "float64" if "float64" in code or "from_numpy" in code else "float32"
        assert dtype == expected, (label, code)


def test_lesson_000s_x_box_states_its_float32_x_and_the_float64_x_made_later():
    at = start(AppState(program=SEEDS["000"]))
    lines = SEEDS["000"].splitlines()
    first = lines.index("x = torch.ones(5)  # input tensor") + 1
    again = lines.index("x = torch.from_numpy( n)") + 1
    assert boxes(at)["x"] == f"x.requires_grad  (line {first}, float32)"
    captions = [c.value for c in at.caption]
    assert f"x is made again at line {again} (float64); the box above sets the x of line {first} only" in captions
    at.radio(key="lang_widget").set_value("zh").run()
    captions = [c.value for c in at.caption]
    assert f"x 在第 {again} 行（float64）又被创建；上面的复选框只设置第 {first} 行的 x" in captions


def test_the_last_good_graph_is_of_an_earlier_version_of_the_same_program():
    one_layer, grad_fn = LESSON_BY_KEY["one_layer"].code, LESSONS[1].code
    at = start(AppState(program=one_layer))
    # an edit with an error: the lesson's last good graph stays, said to be from the last version that ran
    at.text_area(key="program_editor").input(one_layer.replace("z = torch.matmul(x, w) + b",
                                                               "z = torch.matmul(x, w) + c")).run()
    assert program_errors(at) and at.warning[0].value.startswith("The graph below is from the last version")
    # another program pasted over it, with an error: no graph of the lesson under the new program's error
    pasted = grad_fn + "undefined_name\n"
    at.text_area(key="program_editor").input(pasted).run()
    assert program_errors(at)
    assert not [w for w in at.warning if w.value.startswith("The graph below is from the last version")]
    assert at.session_state.last_good is None
    # opening another lesson starts afresh as well
    go_to(at, "lessons")
    at.radio(key="lesson_picker").set_value(LESSONS[2].key).run()
    at.button(key="open_lesson").click().run()
    go_to(at, "playground")
    assert at.session_state.last_good == (LESSONS[2].code, ())


def test_is_edit_of_tells_an_edit_from_another_program():
    lesson = LESSONS[0].code
    assert is_edit_of(lesson, lesson.replace("+ b", "+ c"))
    assert is_edit_of(lesson, lesson + "print(z)\n")
    for other in [*SEEDS.values(), *(lesson.code for lesson in LESSONS[1:])]:
        assert not is_edit_of(lesson, other)
    assert not is_edit_of(SEEDS["002"], SEEDS["003"])


BIG = ("import torch\nx = torch.ones(2000, 2000, requires_grad=True)\ny = (x * 2).sum()\ny.backward()\n"
       "print(x.grad.shape)\n")


def test_a_result_too_big_to_send_says_so_in_both_languages():
    at = start(AppState(program=BIG))
    assert output_blocks(at) == [("stdout", "torch.Size([2000, 2000])")]
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("This run's graphs and backward passes were too big to send") for w in warnings)
    at.radio(key="lang_widget").set_value("zh").run()
    assert any(w.value.startswith("这次运行的计算图和反向传播过程太大") for w in at.warning)


def test_a_small_run_says_nothing_of_views_left_out():
    at = start()
    assert not [w for w in at.warning if "too big to send" in w.value]


WARNS = """import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
print(y.grad)
print("after")
"""


def test_a_warning_is_a_stderr_block_where_it_happened_between_the_prints():
    at = start(AppState(program=WARNS))
    blocks = output_blocks(at)
    assert [kind for kind, _ in blocks] == ["warning", "stdout"], blocks
    assert blocks[0][1].startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor")
    assert blocks[1][1] == "None\nafter"
    assert any(".program-stderr.warning" in element.proto.body for element in at.get("html"))


def test_the_step_through_names_nodes_as_the_learner_knows_them():
    at = start(AppState(program=LESSONS[0].code, page="step_through", step=1))
    frame = codes(at)[0]
    assert "sends grad_self to SqueezeBackward4, which made input 0 (self):" in frame
    assert "sends grad_other to AccumulateGrad, into b.grad:" in frame
    assert not re.search(r"(?<![\w.])[nt]\d+(?!\w)", frame)
    at.radio(key="lang_widget").set_value("zh").run()
    assert "将 grad_other 传给 AccumulateGrad，累加到 b.grad" in codes(at)[0]


def test_no_frame_of_the_lessons_shows_an_id():
    from explorer.backward.frames import frames_from_pass, grad_fn_owners, pass_label

    ids = re.compile(r"(?<![\w.])[nt]\d+(?![\w])")
    programs = [*SEEDS.values(), *(lesson.code for lesson in LESSONS)]
    for program in programs:
        result = run_program(program)
        for index, backward_pass in enumerate(result.passes):
            assert not ids.search(pass_label(result, index))
            for lang in ("en", "zh"):
                for frame in frames_from_pass(backward_pass, lang, result.names, grad_fn_owners(result)):
                    assert not ids.search(frame.text), frame.text


def test_the_descent_explanation_follows_the_learning_rate():
    at = start(page="descent")
    markdown = " ".join(m.value for m in at.markdown)
    assert "**True gradient**: the path reached (0.3333, -0.3333) in 100 steps" in markdown
    at.number_input(key="descent_lr").set_value(0.6).run()
    markdown = " ".join(m.value for m in at.markdown)
    assert "**True gradient: the path diverged** at step" in markdown
    assert "the path reached (0.3333, -0.3333)" not in markdown
    at.radio(key="lang_widget").set_value("zh").run()
    assert "**真实梯度：路径发散了**" in " ".join(m.value for m in at.markdown)
