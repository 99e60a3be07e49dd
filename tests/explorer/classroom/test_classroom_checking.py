"""Questions from real runs of the ready exercises, their expected answers, and the diagnosis of each plausible
mistake: the hint names the chain-rule step that went wrong."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import sandbox
from explorer.classroom.answers import parse_answer
from explorer.classroom.checking import check, close
from explorer.classroom.exercises import READY, READY_BY_KEY, decode_ids, encode_ids
from explorer.classroom.hints import given_lines, hint, prompt, step_name
from explorer.classroom.questions import descent_questions, interesting, pass_questions, reduce_to, run_questions
from explorer.classroom.scoring import Progress
from explorer.descent import DETACHED_FIXED_POINT, TRUE_MINIMUM
from explorer.descent.demo import build_demo

SIGMOID_OVER_3 = [0.2661, 0.1179, 0.0027]  # σ(z)/3 for lesson 1's z = [1.3755, -0.6023, -4.8127]


@pytest.fixture(scope="module")
def runs():
    return {ready.key: sandbox.run_program(ready.program) for ready in READY}


@pytest.fixture(scope="module")
def questions(runs):
    out = {key: {q.id: q for q in run_questions(result)} for key, result in runs.items()}
    out["detach"].update((q.id, q) for q in descent_questions(build_demo()))
    return out


def verdict(question, text):
    return check(question, parse_answer(text))


def test_every_ready_exercise_asks_questions_its_run_offers(runs, questions):
    for ready in READY:
        assert runs[ready.key].error is None, ready.key
        assert all(q in questions[ready.key] for q in ready.asked), ready.key
        assert decode_ids(encode_ids(ready.asked)) == ready.asked


def test_bce_layer(questions):
    q = questions["bce_layer"]
    bce, to_b, squeeze, to_w = (q[i] for i in READY_BY_KEY["bce_layer"].asked)
    assert bce.node == "BinaryCrossEntropyWithLogitsBackward0" and bce.target == "AddBackward0"
    assert verdict(bce, "[0.2661, 0.1179, 0.0027]").right
    assert verdict(bce, "tensor([0.266, 0.118, 0.0027])").right  # three digits are enough
    # forgetting the mean's 1/n: the local derivative is wrong, the shape right
    wrong = verdict(bce, "[0.7983, 0.3538, 0.0081]")
    assert (wrong.right, wrong.step) == (False, "local")
    assert to_b.target == "AccumulateGrad (b)" and to_b.input_name == "other"
    np.testing.assert_allclose(to_b.expected, SIGMOID_OVER_3, atol=1e-4)
    assert verdict(to_b, "[1., 1., 1.]").step == "incoming"  # alpha alone: the local derivative
    # SqueezeBackward4 sends a (1, 3) gradient to the matrix product's (1, 3) result
    assert squeeze.expected.shape == (1, 3)
    assert verdict(squeeze, "[[0.2661, 0.1179, 0.0027]]").right
    wrong = verdict(squeeze, "[0.2661, 0.1179, 0.0027]")
    assert wrong.step == "shape" and wrong.params["shape"] == "(1, 3)" and wrong.params["got"] == "(3,)"
    assert to_w.node == "MmBackward0" and to_w.target == "AccumulateGrad (w)" and to_w.expected.shape == (5, 3)
    assert verdict(to_w, str([SIGMOID_OVER_3] * 5)).right
    assert verdict(to_w, str([[1.0] * 3] * 5)).step == "incoming"  # xᵀ @ ones: the incoming gradient left out
    assert verdict(to_w, str([[0.5] * 3] * 5)).step == "local"


def test_broadcast(questions):
    q = questions["broadcast"]
    bce, to_b, to_w = (q[i] for i in READY_BY_KEY["broadcast"].asked)
    assert bce.expected.shape == (2, 3)
    np.testing.assert_allclose(bce.expected, [[s / 2 for s in SIGMOID_OVER_3]] * 2, atol=1e-4)
    assert to_b.expected.shape == (3,) and to_b.unreduced.shape == (2, 3)
    assert verdict(to_b, str(SIGMOID_OVER_3)).right
    # the unreduced gradient: the right numbers before the broadcast sum
    unreduced = verdict(to_b, "[[0.1330, 0.0590, 0.0013], [0.1330, 0.0590, 0.0013]]")
    assert unreduced.step == "broadcast" and unreduced.params["numbers"] is True
    # the unreduced shape with other numbers is still the broadcast sum that is missing
    wrong = verdict(to_b, "[[1., 1., 1.], [1., 1., 1.]]")
    assert wrong.step == "broadcast" and wrong.params["numbers"] is False
    assert verdict(to_b, "[0.1330, 0.0590, 0.0013]").step == "local"  # one row only: not the sum
    assert verdict(to_w, str([SIGMOID_OVER_3] * 5)).right


def test_accumulation(questions):
    q = questions["accumulation"]
    transpose, power, second = (q[i] for i in READY_BY_KEY["accumulation"].asked)
    assert transpose.node == "TBackward0" and transpose.expected.shape == (2, 3)
    assert verdict(transpose, "[[1, 1, 1], [1, 1, 1]]").right
    assert verdict(transpose, "[[1, 1], [1, 1], [1, 1]]").step == "shape"  # not transposed back
    assert verdict(power, "[[4, 2, 2], [2, 4, 2]]").right
    assert verdict(power, "[[2, 1, 1], [1, 2, 1]]").step == "local"  # (inp + 1) without the 2·
    assert second.kind == "grad" and second.node == "inp" and second.pass_index == 1
    np.testing.assert_array_equal(second.old, [[4, 2, 2], [2, 4, 2]])
    assert verdict(second, "[[8, 4, 4], [4, 8, 4]]").right
    forgot = verdict(second, "[[4, 2, 2], [2, 4, 2]]")  # one pass's gradient: .grad replaced, not added to
    assert forgot.step == "accumulation" and forgot.params["passes"] is True
    assert verdict(second, "[[12, 6, 6], [6, 12, 6]]").step == "local"


def test_jacobian_product(questions):
    q = questions["jacobian"]
    power, add = (q[i] for i in READY_BY_KEY["jacobian"].asked)
    np.testing.assert_array_equal(power.received, [[1, 0, 0], [0, 2, 0], [0, 0, 3]])  # v, the seed
    assert verdict(power, "[[4, 0, 0], [0, 8, 0], [0, 0, 12]]").right
    # 2·(inp + 1) alone is the local derivative: v, the incoming gradient, was left out
    assert verdict(power, "[[4, 2, 2], [2, 4, 2], [2, 2, 4]]").step == "incoming"
    assert verdict(add, "[[4, 0, 0], [0, 8, 0], [0, 0, 12]]").right
    assert verdict(add, "[[1, 1, 1], [1, 1, 1], [1, 1, 1]]").step == "incoming"


def test_detach(questions):
    q = questions["detach"]
    detached_pow, to_b, b_grad, a_grad, d1, d0 = (q[i] for i in READY_BY_KEY["detach"].asked)
    assert detached_pow.node == "PowBackward0" and detached_pow.target == "SubBackward0"
    assert verdict(detached_pow, "2").right  # 2·(a.detach() - b) = 2
    assert to_b.target == "AccumulateGrad (b)" and verdict(to_b, "-2").right
    assert verdict(to_b, "2").step == "local"  # the sign of sub's other input
    assert verdict(to_b, "-1").step == "incoming"  # -1 alone is the local derivative
    assert b_grad.node == "b" and verdict(b_grad, "-1").right
    paths = verdict(b_grad, "-2")  # one path's gradient: the paths into b add up
    assert paths.step == "accumulation" and paths.params["passes"] is False
    assert a_grad.node == "a" and verdict(a_grad, "-1").right
    assert verdict(a_grad, "1").step == "local"  # as if the detached term sent a gradient to a
    assert d1.detached and not d0.detached
    np.testing.assert_allclose(d1.expected, DETACHED_FIXED_POINT, atol=1e-5)
    np.testing.assert_allclose(d0.expected, TRUE_MINIMUM, atol=1e-5)
    assert verdict(d1, "(1, 0)").right and verdict(d0, "(0.3333, -0.3333)").right and verdict(d0, "[0.33, -0.33]").right
    assert verdict(d1, "(0.3333, -0.3333)").step == "detach"
    assert verdict(d0, "(1, 0)").step == "detach"
    assert verdict(d1, "(0.5, -0.5)").params == {"start": True}
    assert verdict(d1, "(2, 2)").step == "descent"
    assert verdict(d1, "1").step == "shape"


def test_hints_name_the_step_in_both_languages(questions):
    q = questions["accumulation"]["g1.3"]
    wrong = verdict(q, "[[4, 2, 2], [2, 4, 2]]")
    assert step_name(wrong, "en") == "The accumulation" and step_name(wrong, "zh") == "梯度累加"
    assert "old .grad + incoming" in hint(q, wrong, 1, "en")
    assert "累加" in hint(q, wrong, 1, "zh")
    power = questions["accumulation"]["s0.1.0"]
    first, second = hint(power, verdict(power, "[[2, 1, 1], [1, 2, 1]]"), 1, "en"), \
        hint(power, verdict(power, "[[2, 1, 1], [1, 2, 1]]"), 2, "en")
    assert "result = self ** exponent" in first and "grad * exponent" not in first
    assert "grad_self = grad * exponent * self ** (exponent - 1)" in second  # the formula after two tries
    for lang in ("en", "zh"):
        for question in questions["detach"].values():
            assert "{" not in prompt(question, lang)
            assert all("{" not in line for line in given_lines(question, lang))


def test_the_given_values_never_contain_the_answer(questions):
    power = questions["jacobian"]["s0.0.0"]
    text = "\n".join(given_lines(power, "en"))
    assert "PowBackward0 received grad" in text and "exponent = 2" in text and "12." not in text
    second = questions["accumulation"]["g1.3"]
    assert "inp.grad before this pass" in "\n".join(given_lines(second, "en"))


def test_default_questions_skip_a_first_grad_that_is_only_the_incoming_gradient(runs):
    asked = [q.id for q in pass_questions(runs["bce_layer"], 0) if interesting(q)]
    assert asked == ["s0.0.0", "s0.1.0", "s0.1.1", "s0.3.0", "s0.4.1"]


def test_close_uses_relative_and_absolute_tolerance():
    assert close(0.2661, 0.26608)
    assert close(1000.0, 1004.0) and not close(1000.0, 1020.0)
    assert close(0.0, 0.0004) and not close(0.0, 0.01)
    assert not close([1.0, 2.0], [[1.0, 2.0]])  # the shape must match


def test_reduce_to_undoes_broadcasting():
    np.testing.assert_array_equal(reduce_to(np.ones((2, 3)), (3,)), [2, 2, 2])
    np.testing.assert_array_equal(reduce_to(np.ones((2, 3)), (2, 1)), [[3], [3]])
    assert reduce_to(np.ones((2, 3)), (4,)) is None and reduce_to(np.ones(3), (2, 3)) is None


def test_progress_counts_tries_and_first_try(questions):
    asked = [questions["accumulation"][i] for i in READY_BY_KEY["accumulation"].asked]
    progress = Progress()
    assert progress.current(asked) is asked[0]
    attempt = progress.answer(asked[0], "[[1, 1, 1], [1, 1, 1]]")
    assert attempt.right and attempt.first_try
    unreadable = progress.answer(asked[1], "__import__('os')")
    assert unreadable.error.key == "classroom.answer.syntax" and unreadable.tries == 0  # no try
    progress.answer(asked[1], "[[2, 1, 1], [1, 2, 1]]")
    progress.answer(asked[1], "[[4, 2, 2], [2, 4, 2]]")
    assert progress.of(asked[1].id).right and not progress.of(asked[1].id).first_try
    score = progress.score(asked)
    assert (score.total, score.right, score.first_try, score.done, score.finished) == (3, 2, 1, 2, False)
    progress.reveal(asked[2])
    assert progress.answer(asked[2], "[[8, 4, 4], [4, 8, 4]]").right is False  # shown: no longer scored
    score = progress.score(asked)
    assert (score.right, score.done, score.finished) == (2, 3, True)
    assert progress.current(asked) is None
