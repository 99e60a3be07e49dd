"""Step-through frames: trace order, formulas with numbers, accumulation (doubling and zero_)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.graph import tensor_id
from explorer.backward.figures import animation_figure
from explorer.backward.frames import (
    Accumulation,
    accumulation_lines,
    clamp_step,
    frames_from_pass,
    substitute,
    vjp_lines,
)

MUL = {
    "kind": "function", "name": "MulBackward0", "op": "mul", "formula": "result = self * other",
    "backward_formulas": ("grad_self = grad * other", "grad_other = grad * self"),
    "saved": {"self": np.array([1.0, 2.0]), "other": np.array([3.0, 4.0])}, "attrs": {},
}


def test_substitute_replaces_whole_identifiers_only():
    text = substitute("grad * other / other² + grad_self", {"grad": "[1.]", "other": "[2.]"})
    assert text == "[1.] * [2.] / [2.]² + grad_self"


def test_vjp_lines_put_the_numbers_into_each_formula():
    lines = vjp_lines(MUL, (np.array([1.0, 1.0]),), (np.array([3.0, 4.0]), np.array([1.0, 2.0])))
    assert lines == [
        "VJP for input 0: grad_self = grad * other",
        "  = [1., 1.] * [3., 4.]",
        "  grad_self = [3., 4.]",
        "VJP for input 1: grad_other = grad * self",
        "  = [1., 1.] * [1., 2.]",
        "  grad_other = [1., 2.]",
    ]


def test_vjp_lines_use_attrs_like_the_exponent():
    pow_attrs = {"backward_formulas": ("grad_self = grad * exponent * self ** (exponent - 1)",),
                 "saved": {"self": np.array([2.0])}, "attrs": {"exponent": 2}}
    lines = vjp_lines(pow_attrs, (np.array([1.0]),), (np.array([4.0]),))
    assert lines[1] == "  = [1.] * 2 * [2.] ** (2 - 1)"
    assert lines[2] == "  grad_self = [4.]"


def test_large_values_are_listed_below_the_formula_not_inlined():
    big = dict(MUL, saved={"other": np.ones((5, 5))})
    lines = vjp_lines(big, (np.full((5, 5), 2.0),), (np.full((5, 5), 2.0), None))
    assert lines[0] == "VJP for input 0: grad_self = grad * other"
    assert lines[1].startswith("  where grad = [[2., 2., 2., 2., 2.],")
    assert lines[2].startswith("  where other = [[1., 1., 1., 1., 1.],")


def test_defaults_negative_numbers_and_trivial_steps():
    add = {"backward_formulas": ("grad_self = grad", "grad_other = alpha·grad"), "saved": {}, "attrs": {}}
    assert vjp_lines(add, (np.array(2.0),), (np.array(2.0), np.array(2.0))) == [
        "VJP for input 0: grad_self = grad",
        "  grad_self = 2.",  # no "= 2." middle step for a plain pass-through
        "VJP for input 1: grad_other = alpha·grad",
        "  = 1·2.",  # alpha defaults to 1 as in PyTorch
        "  grad_other = 2.",
    ]
    pow_attrs = {"backward_formulas": ("grad_self = grad * exponent * self ** (exponent - 1)",),
                 "saved": {"self": np.array(-0.5)}, "attrs": {"exponent": 2}}
    assert vjp_lines(pow_attrs, (np.array(1.0),), (np.array(-1.0),))[1] == "  = 1. * 2 * (-0.5000) ** (2 - 1)"
    # an input PyTorch sends nothing to (a None slot) gets no formula
    assert vjp_lines(add, (np.array(2.0),), (np.array(2.0), None), needed=(True, False)) == [
        "VJP for input 0: grad_self = grad", "  grad_self = 2."]


def test_accumulation_line_shows_old_plus_incoming_equals_new():
    acc = Accumulation("t1", np.array([4.0, 2.0]), np.array([4.0, 2.0]), np.array([8.0, 4.0]))
    assert accumulation_lines(acc) == ["old .grad + incoming = new .grad", "  [4., 2.] + [4., 2.] = [8., 4.]"]
    first = Accumulation("t1", None, np.array([4.0, 2.0]), np.array([4.0, 2.0]))
    assert accumulation_lines(first, "zh")[0] == ".grad 原为 None，所以新 .grad = 传入梯度"


def test_clamp_step_keeps_previous_next_in_range():
    assert [clamp_step(i, 3) for i in (-1, 0, 2, 3, 9)] == [0, 0, 2, 2, 2]
    assert clamp_step(5, 0) == 0


# ---------------------------------------------------------------- on the engine's real traces

engine = pytest.importorskip("engine")


def _record(fn):
    from engine import backward_trace

    with backward_trace.record() as recorder:
        fn()
    return recorder.passes


def _seed_jacobian_program():
    """The seeds' "Jacobian products" lesson: backward twice, zero_(), backward again."""
    inp = engine.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    grads = []

    def run():
        out.backward(engine.ones_like(out), retain_graph=True)
        grads.append(inp.grad.detach().numpy().copy())
        out.backward(engine.ones_like(out), retain_graph=True)
        grads.append(inp.grad.detach().numpy().copy())
        inp.grad.zero_()
        out.backward(engine.ones_like(out), retain_graph=True)
        grads.append(inp.grad.detach().numpy().copy())

    passes = _record(run)
    return passes, grads


def test_frames_follow_the_trace_order_one_per_event():
    passes, _ = _seed_jacobian_program()
    assert len(passes) == 3
    frames = frames_from_pass(passes[0])
    events = passes[0].events
    assert [f.node for f in frames] == [e.node for e in events]
    assert [f.kind for f in frames] == [e.kind for e in events]
    # PyTorch's order for (inp + 1).pow(2).t(): TBackward0, PowBackward0, AddBackward0, AccumulateGrad
    assert [f.name for f in frames] == ["TBackward0", "PowBackward0", "AddBackward0", "AccumulateGrad"]
    assert frames[0].text.startswith("Step 1/4: TBackward0 runs")


def test_accumulation_doubles_on_the_second_backward_and_zero_resets():
    passes, grads = _seed_jacobian_program()
    expected_first = np.full((4, 5), 2.0) + 2.0 * np.eye(4, 5)
    np.testing.assert_allclose(grads[0], expected_first)
    np.testing.assert_allclose(grads[1], 2 * expected_first)
    np.testing.assert_allclose(grads[2], expected_first)
    acc = [frames_from_pass(p)[-1].accumulation for p in passes]
    assert acc[0].old is None
    np.testing.assert_allclose(acc[0].new, expected_first)
    np.testing.assert_allclose(acc[1].old, expected_first)
    np.testing.assert_allclose(acc[1].incoming, expected_first)
    np.testing.assert_allclose(acc[1].new, 2 * expected_first)
    np.testing.assert_allclose(acc[2].old, np.zeros((4, 5)))  # zero_() happened between the passes
    np.testing.assert_allclose(acc[2].new, expected_first)
    second = frames_from_pass(passes[1])[-1]
    assert "old .grad + incoming = new .grad" in second.lines
    assert "[[8., 4., 4., 4., 4.]" in second.text


def test_run_frame_shows_received_formula_and_sent_gradients():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = engine.tensor([3.0, 4.0], requires_grad=True)
    passes = _record(lambda: (x * y).sum().backward())
    frames = frames_from_pass(passes[0], names={tensor_id(x): "x", tensor_id(y): "y"})
    assert [f.name for f in frames][:2] == ["SumBackward0", "MulBackward0"]
    mul = frames[1]
    np.testing.assert_allclose(mul.received[0], [1.0, 1.0])
    assert "VJP for input 0: grad_self = grad * other" in mul.lines
    assert "  = [1., 1.] * [4., 4.]" not in mul.lines  # the numbers are y's, not made up
    assert "  = [1., 1.] * [3., 4.]" in mul.lines
    assert "  = [1., 1.] * [1., 2.]" in mul.lines
    np.testing.assert_allclose(mul.sent[0].gradient, [3.0, 4.0])
    np.testing.assert_allclose(mul.sent[1].gradient, [1.0, 2.0])
    assert {s.target_name for s in mul.sent} == {"AccumulateGrad"}
    names = {f.tensor: f.text for f in frames if f.kind == "accumulate"}
    assert any("AccumulateGrad for x" in text for text in names.values())


def test_animation_has_one_frame_per_event_with_play_and_slider():
    passes, _ = _seed_jacobian_program()
    fig = animation_figure(passes[1], lang="zh")
    assert len(fig.frames) == len(passes[1].events) == 4
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["播放", "暂停"]
    assert [s.label for s in fig.layout.sliders[0].steps] == ["1", "2", "3", "4"]
    meta = fig.layout.meta
    assert meta["highlight_trace"] == len(fig.data) - 1
    animated = [meta["flowed_trace"], meta["highlight_edges_trace"], meta["highlight_trace"]]
    assert list(fig.frames[0].traces) == animated
    assert [fr.data[2].customdata[0] for fr in fig.frames] == [e.node for e in passes[1].events]
    # the green "gradient has flowed" edges grow: T -> Pow -> Add -> AccumulateGrad, one edge per run
    flowed = [sum(1 for x in fr.data[0].x if x is None) for fr in fig.frames]
    assert flowed == [1, 2, 3, 3]
    shown = fig.frames[-1].layout.annotations[-1].text.replace("&nbsp;", " ").replace("<br>", "\n")
    assert "旧 .grad + 传入梯度 = 新 .grad" in shown
    assert "[[8., 4., 4., 4., 4.]," in shown  # the second pass doubles the first pass's gradient


def test_autograd_grad_passes_name_the_captured_inputs():
    """The seeds' descent loop: autograd.grad(l, (a, b)) returns gradients instead of accumulating."""
    a = engine.tensor(0.5).requires_grad_()
    b = engine.tensor(-0.5).requires_grad_()

    def run():
        loss = (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2
        engine.autograd.grad(loss, (a, b))

    (grad_pass,) = _record(run)
    assert grad_pass.kind == "grad"
    frames = frames_from_pass(grad_pass, names={tensor_id(a): "a", tensor_id(b): "b"})
    prefix = "autograd.grad returns the gradient of "
    captured = {f.lines[0].split(prefix)[1]: float(f.received[0]) for f in frames if f.kind == "capture"}
    # d/da = 2(a-1) + 2(a-b) = -1 + 2 = 1;  d/db = 2(b+1) - 2(a-b) = 1 - 2 = -1
    assert captured == {"a": pytest.approx(1.0), "b": pytest.approx(-1.0)}
    assert not any(f.kind == "accumulate" for f in frames)  # autograd.grad leaves .grad alone
    assert a.grad is None


def test_hook_and_retain_grad_frames_show_the_changed_gradient():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    passes = _record(lambda: (y * y).sum().backward())
    frames = frames_from_pass(passes[0], names={tensor_id(y): "y", tensor_id(x): "x"})
    hook = next(f for f in frames if f.kind == "hook")
    assert hook.lines[0].endswith("hook on y changes the gradient")
    assert hook.formula_lines == ("before the hook [6., 12.], after [12., 24.]",)
    acc = next(f for f in frames if f.kind == "accumulate")
    np.testing.assert_allclose(acc.accumulation.new, [36.0, 72.0])  # 3 * 2 * 2y with y = 3x
    np.testing.assert_allclose(x.grad.numpy(), [36.0, 72.0])


def test_same_input_twice_sends_each_slot_its_own_gradient():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    passes = _record(lambda: (x * x).sum().backward())
    mul = frames_from_pass(passes[0])[1]
    assert mul.name == "MulBackward0"
    np.testing.assert_allclose(mul.sent[0].gradient, [1.0, 2.0])  # grad * other
    np.testing.assert_allclose(mul.sent[1].gradient, [1.0, 2.0])  # grad * self
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_a_custom_functions_formula_is_its_backward_as_written():
    from explorer.backward.frames import user_backward_lines, user_backward_source

    source = ("    class Cube(torch.autograd.Function):\n        @staticmethod\n        def forward(ctx, x):\n"
              "            return x ** 3\n\n        @staticmethod\n        def backward(ctx, grad):\n"
              "            x, = ctx.saved_tensors\n            return 3 * x ** 2 * grad\n")
    assert user_backward_source(source) == "def backward(ctx, grad):\n    x, = ctx.saved_tensors\n" \
                                          "    return 3 * x ** 2 * grad"
    for broken in (None, "", "class (", "class C:\n    def forward(ctx, x):\n        return x\n"):
        assert user_backward_source(broken) is None
    op = {"name": "CubeBackward", "op": "Cube", "source": source}
    lines = user_backward_lines(op, (np.array([3.0, 12.0]), None), "zh", needed=(True, False))
    assert lines[0] == "Cube.backward（程序自己写的）："
    assert lines[-1] == "  为输入 0 返回：[3., 12.]"
