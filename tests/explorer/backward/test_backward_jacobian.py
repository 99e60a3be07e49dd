"""The seeds' "Jacobian products" section: J, v, v^T J equal to .grad, and the doubled .grad explained; the
Jacobian view of a recorded pass from a sandboxed run."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from explorer.backward.figures import jacobian_figure
from explorer.backward.jacobian import JacobianView, candidates, jacobian_of
from explorer.lessons import LESSON_BY_KEY
from explorer.sandbox import run_program
from explorer.sandbox.notebook import extract_program

engine = pytest.importorskip("engine")

from explorer.backward.jacobian import GraphReleasedError, jacobian_matrix, jacobian_view  # noqa: E402


def seed_program():
    inp = engine.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    return inp, out


def test_jacobian_of_the_seed_is_diagonal_2_inp_plus_1_permuted_by_the_transpose():
    inp, out = seed_program()
    J = jacobian_matrix(out, inp)
    assert J.shape == (20, 20)
    x = np.eye(4, 5)
    expected = np.zeros((20, 20))
    for i in range(5):  # out[i, j] = (inp[j, i] + 1) ** 2
        for j in range(4):
            expected[i * 4 + j, j * 5 + i] = 2 * (x[j, i] + 1)
    np.testing.assert_allclose(J, expected)


def test_v_transpose_j_equals_grad_after_one_backward_and_doubles_after_two():
    inp, out = seed_program()
    out.backward(engine.ones_like(out), retain_graph=True)
    view = jacobian_view(out, inp)
    np.testing.assert_allclose(view.vjp, 2 + 2 * np.eye(4, 5))
    np.testing.assert_allclose(view.grad, view.vjp)
    assert view.matches and view.verdict() == "vᵀJ equals .grad"
    out.backward(engine.ones_like(out), retain_graph=True)
    twice = jacobian_view(out, inp)
    assert twice.ratio == 2 and not twice.matches
    assert twice.verdict("zh") == ".grad 是 vᵀJ 的 2 倍：backward 执行了 2 次，梯度被累加"
    inp.grad.zero_()
    out.backward(engine.ones_like(out), retain_graph=True)
    assert jacobian_view(out, inp).matches


def test_a_non_uniform_v_weights_the_rows():
    inp = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = inp * inp
    v = engine.tensor([1.0, 0.0, 2.0])
    out.backward(v, retain_graph=True)
    view = jacobian_view(out, inp, v=v)
    np.testing.assert_allclose(view.jacobian, np.diag([2.0, 4.0, 6.0]))
    np.testing.assert_allclose(view.vjp, [2.0, 0.0, 12.0])
    assert view.matches


def test_a_freed_graph_gives_a_clear_message_not_a_crash():
    inp = engine.tensor([1.0, 2.0], requires_grad=True)
    out = inp * inp
    out.backward(engine.ones_like(out))
    with pytest.raises(GraphReleasedError) as caught:
        jacobian_view(out, inp)
    assert "retain_graph=True" in caught.value.message("en")
    assert "retain_graph=True" in caught.value.message("zh")


def test_figure_has_four_heatmaps_and_the_verdict_as_title():
    view = JacobianView(np.eye(2), np.ones(2), np.array([1.0, 1.0]), None, (2,), (2,))
    fig = jacobian_figure(view, lang="zh")
    assert [tr.type for tr in fig.data] == ["heatmap"] * 4
    assert fig.layout.title.text == ".grad 为 None：backward 还没有传到这个张量"
    np.testing.assert_allclose(np.asarray(fig.data[0].z), np.eye(2))


# --- the Jacobian of a recorded pass, from a sandboxed run -----------------------------------------------


def run(source, overrides=None):
    return run_program(source, requires_grad_overrides=overrides, isolated=False)


def test_jacobian_of_a_vector_output_matches_the_chain_rule():
    code = LESSON_BY_KEY["jacobian"].code
    result = run(code)
    output, leaves = candidates(result, 0)
    assert (output, leaves) == ("out", ["inp"])
    view = jacobian_of(result, 0, output, "inp")
    inp = np.eye(3).reshape(-1)
    np.testing.assert_allclose(view.jacobian, np.diag(2 * (inp + 1)))
    np.testing.assert_allclose(view.vjp, np.array([[4., 0, 0], [0, 8, 0], [0, 0, 12]]))
    assert view.matches
    with pytest.raises(ValueError):
        jacobian_of(result, 0, "out; import os", "inp")


def test_the_jacobian_is_taken_before_the_pass_even_when_a_later_pass_frees_the_graph():
    code = ("import torch\ninp = torch.tensor([1., 2.], requires_grad=True)\nout = inp * inp\n"
            "out.backward(torch.ones(2), retain_graph=True)\nout.backward(torch.ones(2))\nprint(inp.grad)\n")
    result = run(code)
    assert result.ok and result.text() == "tensor([4., 8.])\n"
    assert candidates(result, 0) == ("out", ["inp"])
    np.testing.assert_allclose(jacobian_of(result, 0, "out", "inp").jacobian, np.diag([2.0, 4.0]))
    assert candidates(result, 1) == (None, [])  # retain_graph=False: as before, no Jacobian offered


def test_a_program_with_hooks_or_retain_grad_gets_no_jacobian_and_its_own_output():
    hooked = ("import torch\nx = torch.tensor([1., 2.], requires_grad=True)\ny = x * 3\ny.retain_grad()\n"
              "z = y * y\nz.backward(torch.ones(2), retain_graph=True)\nprint(y.grad, x.grad)\n")
    result = run(hooked)
    assert result.text() == "tensor([ 6., 12.]) tensor([18., 36.])\n"  # y.grad filled once, by the program
    assert result.jacobians == {} and candidates(result, 0) == (None, [])
    printing = ("import torch\nx = torch.tensor([1., 2.], requires_grad=True)\n"
                "h = x.register_hook(lambda g: print('hook', g))\ny = x * 2\n"
                "y.backward(torch.ones(2), retain_graph=True)\n")
    assert run(printing).text() == "hook tensor([2., 2.])\n"  # the hook ran once


def test_recording_jacobians_is_bounded_in_a_loop_of_backward_calls():
    loop = ("import torch\nx = torch.ones(8, requires_grad=True)\ny = x * 2\n"
            "for k in range(60):\n    y.backward(torch.ones(8), retain_graph=True)\nprint(x.grad[0])\n")
    result = run(loop)
    assert result.text() == "tensor(120.)\n"
    assert 0 < len(result.jacobians) <= 20
    assert all(index < 20 for index in result.jacobians)


# --- every backward(v) of the lessons, pasted as notebooks or opened as presets -----------------------------

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
BACKWARD_V = re.compile(r"\.backward\(\s*[^)\s]")  # out.backward(v, ...): a gradient passed


def _lesson_texts():
    for path in SEEDS:
        yield f"seed {path.name[:3]}", path.read_text(encoding="utf-8")
    for key in ("accumulation", "jacobian"):
        yield f"lesson {key}", LESSON_BY_KEY[key].code


def _jacobian_passes(result) -> list[int]:
    return [i for i in range(len(result.passes)) if candidates(result, i)[0] is not None]


@pytest.mark.parametrize("name, text", list(_lesson_texts()), ids=[name for name, _ in _lesson_texts()])
def test_a_jacobian_is_recorded_for_every_backward_v_of_the_lessons(name, text):
    extracted = extract_program(text)
    program = text if extracted is None else extracted.program
    calls = [line for line in program.split("\n") if BACKWARD_V.search(line) and not line.lstrip().startswith("#")]
    result = run_program(text)  # through the worker, as the page runs it
    recorded = _jacobian_passes(result)
    assert len(recorded) == len(calls), (name, calls, recorded)
    for index in recorded:
        output, leaves = candidates(result, index)
        for leaf in leaves:
            view = jacobian_of(result, index, output, leaf)
            assert view.ratio is not None  # .grad is k vᵀJ: the pass and the recorded J agree
            jacobian_figure(view)


def test_a_cell_that_raised_before_the_backward_v_cell_leaves_its_jacobian():
    """Seed 001 with w's requires_grad box unticked: `w.grad.zero_()` raises in its cell, and the cell that calls
    backward(v) after it still runs and records its Jacobians."""
    text = SEEDS[1].read_text(encoding="utf-8")
    result = run_program(text, requires_grad_overrides={"w": False})
    assert [e.kind for e in result.cell_errors] == ["AttributeError"]
    assert len(_jacobian_passes(result)) == 3
