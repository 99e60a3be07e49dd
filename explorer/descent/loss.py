"""The descent demo's loss: a function of `a` and `b` typed by the user, checked and evaluated by the sandbox,
the same interpreter and limits as a program (explorer/sandbox/loss_check.py checks it, `Interpreter.evaluate`
computes it on engine tensors; nothing is handed to eval/exec). This module turns what the sandbox reports into
the demo's messages, and rewrites a loss: `strip_detach` gives the true variant; `occurrences` and
`detach_occurrence` say where `a` and `b` appear and detach one of them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

import engine
from explorer.descent import DescentError
from explorer.sandbox.allow_lists import LOSS_NAMES
from explorer.sandbox.interpreter import Interpreter, Refusal
from explorer.sandbox.limits import LOSS_LIMITS, LimitExceeded
from explorer.sandbox.loss_check import check_loss
from explorer.sandbox.program_check import CheckFailure
from explorer.sandbox.result import ProgramError


@dataclass(frozen=True, eq=False)
class LossExpression:
    """A checked loss: its text and parsed tree. Build with `parse_loss`."""

    text: str
    tree: ast.expr
    detach_count: int  # how many detach() calls it contains

    @property
    def uses_detach(self) -> bool:
        return self.detach_count > 0


def parse_loss(text: str) -> LossExpression:
    """Check `text` as a loss expression in `a` and `b`; raise DescentError naming the first problem."""
    try:
        checked = check_loss(text)
    except CheckFailure as failure:
        node = failure.node
        col = None if node is None else node.col_offset + 1
        raise DescentError(failure.key, col=col, **failure.params) from None
    return LossExpression(text=text, tree=checked.tree, detach_count=checked.detach_count)


def loss_interpreter() -> Interpreter:
    """The sandbox's interpreter set up for losses: real numbers, the loss's limits. One per path or grid pass,
    reused for each evaluation (building its `torch` namespace costs more than evaluating a loss)."""
    return Interpreter(engine, limits=LOSS_LIMITS, real_numbers=True)


def evaluate_loss(loss: LossExpression, a, b, interpreter: Interpreter | None = None):
    """The loss with `a`, `b` bound to engine tensors (or numbers): an engine tensor or a Python number."""
    interpreter = interpreter or loss_interpreter()
    try:
        with np.errstate(all="ignore"):
            return interpreter.evaluate(loss.tree, {"a": a, "b": b})
    except ProgramError as error:
        raise _descent_error(error) from None


def _descent_error(error: ProgramError) -> DescentError:
    """What the sandbox reported, as the demo says it."""
    cause = error.cause
    if isinstance(cause, OverflowError) or (isinstance(cause, LimitExceeded) and cause.key == "limit.int_size"):
        return DescentError("descent.number_too_large")
    if isinstance(cause, Refusal) and cause.key in ("sandbox.attribute_refused", "sandbox.attribute_missing"):
        owner, name = str(cause.params.get("owner", "")), cause.params.get("attr", "")
        if "torch" in owner:
            return DescentError("descent.unknown_function", name=f"torch.{name}")
        if "Tensor" in owner:
            return DescentError("descent.unknown_function", name=f".{name}()")
        return DescentError("descent.method_on_number", name=name)
    return DescentError("descent.evaluation_failed", detail=error.message)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _DetachRemover(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "detach" and not node.args and not node.keywords:
            return func.value
        return node


def strip_detach(loss: LossExpression | str) -> LossExpression:
    """The loss with every `x.detach()` replaced by `x`: same values, and autograd gives the true gradient."""
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    if not loss.uses_detach:
        return loss
    tree = _DetachRemover().visit(ast.parse(ast.unparse(loss.tree), mode="eval")).body
    return parse_loss(ast.unparse(tree))


@dataclass(frozen=True)
class Occurrence:
    """One place where `a` or `b` appears in a loss (what a page can offer to detach)."""

    index: int
    name: str
    col: int  # 1-based column in the text
    detached: bool


def occurrences(loss: LossExpression | str) -> list[Occurrence]:
    """Every `a` / `b` in reading order, and whether it is already directly detached."""
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    detached_ids = set()
    for node in ast.walk(loss.tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "detach"
                and isinstance(node.func.value, ast.Name)):
            detached_ids.add(id(node.func.value))
    names = [n for n in ast.walk(loss.tree) if isinstance(n, ast.Name) and n.id in LOSS_NAMES]
    names.sort(key=lambda n: (n.lineno, n.col_offset))
    return [Occurrence(i, n.id, n.col_offset + 1, id(n) in detached_ids) for i, n in enumerate(names)]


def detach_occurrence(loss: LossExpression | str, index: int) -> LossExpression:
    """The loss with occurrence `index` (see `occurrences`) written as `x.detach()`."""
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    found = occurrences(loss)
    if not 0 <= index < len(found):
        raise DescentError("descent.bad_setting", detail=f"no occurrence {index} of a or b")
    target = found[index]
    if target.detached:
        return loss
    text = " ".join(loss.text.strip().splitlines())
    start = target.col - 1
    return parse_loss(text[:start] + f"{target.name}.detach()" + text[start + 1:])

