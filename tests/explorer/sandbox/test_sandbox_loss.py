"""The descent demo's loss goes through the sandbox: checked by loss_check under LOSS_LIMITS, evaluated by the
one interpreter (`Interpreter.evaluate`). Hostile losses are refused with a one-line message in both languages."""

from __future__ import annotations

import ast

import pytest

import engine
from explorer.descent import DescentError
from explorer.descent.demo import Grid, descent_path, grid_pass
from explorer.descent.loss import evaluate_loss, parse_loss
from explorer.sandbox.interpreter import Interpreter
from explorer.sandbox.limits import LOSS_LIMITS, Limits
from explorer.sandbox.loss_check import check_loss
from explorer.sandbox.program_check import CheckFailure
from explorer.sandbox.result import ProgramError

HOSTILE = [
    "__import__('os').system('true')", "a.__class__", "a.__class__.__bases__[0]", "torch.__dict__",
    "(lambda: a)()", "a.numpy()", "open('/etc/passwd')", "[x for x in a]", "a.grad", "a.data * 2",
    "getattr(a, 'grad')", "torch.nn.functional.relu(a)", "a.requires_grad_()", "torch.tensor(1.0) + a",
    "a.detach().numpy()", "eval('1')", "exec('x = 1')", "a if a else b", "{'a': 1}", "f'{a}'", "a @ b",
    "torch.autograd.grad(a, b)", "a.register_hook(print)", "a.sum().backward()", "b.__init__",
    "a" + " + a" * 200, "-" * 80 + "a", "((((((((((a))))))))))" * 30,
]
EVALUATED = ["a + 9**9**9**9", "a ** 10**400", "a + (-8)**0.5", "a + (2).exp()", "a + torch.exp(2)", "a / 0 + 1 / 0"]


def refusal(text: str) -> DescentError:
    with pytest.raises(DescentError) as caught:
        loss = parse_loss(text)
        grid_pass(loss, Grid(n_a=3, n_b=3))
    return caught.value


@pytest.mark.parametrize("text", HOSTILE + EVALUATED)
def test_hostile_losses_are_refused_with_one_line_messages(text):
    error = refusal(text)
    for lang in ("en", "zh"):
        message = error.message(lang)
        assert message and "\n" not in message and message != error.key


@pytest.mark.parametrize("text", HOSTILE)
def test_the_check_refuses_before_anything_runs(text):
    with pytest.raises(CheckFailure) as caught:
        check_loss(text)
    assert caught.value.key.startswith("descent.")


def test_the_loss_limits_are_the_sandbox_limits_for_a_formula():
    assert isinstance(LOSS_LIMITS, Limits)
    assert (LOSS_LIMITS.source_chars, LOSS_LIMITS.ast_nodes, LOSS_LIMITS.ast_depth) == (500, 300, 60)
    assert LOSS_LIMITS.int_bits == Limits().int_bits and LOSS_LIMITS.wall_seconds == Limits().wall_seconds


def test_losses_are_evaluated_by_the_sandbox_interpreter(monkeypatch):
    calls = []
    evaluate = Interpreter.evaluate

    def counted(self, tree, variables):
        calls.append(sorted(variables))
        return evaluate(self, tree, variables)

    monkeypatch.setattr(Interpreter, "evaluate", counted)
    path = descent_path("(a - 1)**2 + (b + 1)**2 + (a - b)**2", steps=3)
    assert len(path.steps) == 4 and calls == [["a", "b"]] * 4


def test_the_interpreter_refuses_what_the_check_would_even_without_it():
    # the check is the first line; the interpreter's own allow-lists still hold behind it
    interp = Interpreter(engine, limits=LOSS_LIMITS, real_numbers=True)
    a = engine.tensor(1.0)
    for text in ("a.__class__", "torch.load", "a.numpy().tofile"):
        with pytest.raises(ProgramError) as caught:
            interp.evaluate(ast.parse(text, mode="eval").body, {"a": a, "b": a})
        assert caught.value.kind in ("NotAllowed", "AttributeError")


def test_numbers_in_a_loss_are_real_numbers():
    zero = engine.tensor(0.0)
    assert float(evaluate_loss(parse_loss("a + (2**40)**2"), zero, zero)) == 2.0**80
    assert float(evaluate_loss(parse_loss("a + 3000000000"), zero, zero)) == 3e9
