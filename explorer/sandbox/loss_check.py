"""The descent demo's loss, checked before the sandbox evaluates it (`Interpreter.evaluate`).

A loss is one expression in `a` and `b`: numbers, `a`, `b`, `+ - * / **`, unary minus, the element-wise
`torch.<function>(...)` and tensor methods of allow_lists.LOSS_FUNCTIONS / LOSS_METHODS (with `detach()`), and
the keywords of LOSS_KEYWORDS. Element-wise only, because the demo evaluates the loss on a whole grid at once
and point (i, j) of the result must depend on point (i, j) alone; reductions are refused with their own
message. The walk is iterative and bounded by the same Limits as a program (LOSS_LIMITS: a formula's size).
Refusals are CheckFailures with `descent.*` catalogue keys; the node they name gives the column.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from explorer.sandbox.allow_lists import (
    LOSS_FUNCTIONS,
    LOSS_KEYWORDS,
    LOSS_METHODS,
    LOSS_NAMES,
    LOSS_OPERATORS,
    LOSS_REDUCTIONS,
)
from explorer.sandbox.limits import LOSS_LIMITS, Limits
from explorer.sandbox.program_check import CheckFailure, Where


@dataclass(frozen=True)
class CheckedLoss:
    tree: ast.expr
    detach_count: int  # how many detach() calls it contains


def check_loss(text: str, limits: Limits = LOSS_LIMITS) -> CheckedLoss:
    """Parse and check `text` as a loss in `a` and `b`; CheckFailure names the first problem."""
    if not isinstance(text, str) or not text.strip():
        raise CheckFailure("descent.empty_loss", None)
    if len(text) > limits.source_chars:
        raise CheckFailure("descent.loss_too_long", None, size=len(text), limit=limits.source_chars)
    if "\x00" in text:
        raise CheckFailure("descent.syntax_error", None, detail="NUL character")
    try:
        # newlines in a text area are layout, not statements
        tree = ast.parse(" ".join(text.strip().splitlines()), mode="eval").body
    except SyntaxError as exc:
        where = None if exc.offset is None else Where(1, exc.offset)
        raise CheckFailure("descent.syntax_error", where, detail=exc.msg or "invalid syntax") from None
    except (RecursionError, MemoryError, ValueError):
        raise CheckFailure("descent.too_deep", None, limit=limits.ast_depth) from None
    return CheckedLoss(tree, _check(tree, limits))


def _check(tree: ast.expr, limits: Limits) -> int:
    """Walk iteratively (depth is one of the things we limit) and return the number of detach() calls."""
    count = 0
    detaches = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > limits.ast_nodes:
            raise CheckFailure("descent.loss_too_long", None, size=f">{limits.ast_nodes} nodes",
                               limit=limits.ast_nodes)
        if depth > limits.ast_depth:
            raise CheckFailure("descent.too_deep", None, limit=limits.ast_depth)
        children: list[ast.AST] = []
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise CheckFailure("descent.unsupported", node, what=repr(node.value))
        elif isinstance(node, ast.Name):
            if node.id not in LOSS_NAMES:
                raise CheckFailure("descent.unknown_name", node, name=node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op).__name__ not in LOSS_OPERATORS:
                raise CheckFailure("descent.unsupported", node, what=type(node.op).__name__)
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise CheckFailure("descent.unsupported", node, what=type(node.op).__name__)
            children = [node.operand]
        elif isinstance(node, ast.Call):
            name, owner = _callee(node)
            if name == "detach":
                detaches += 1
                if node.args or node.keywords:
                    raise CheckFailure("descent.unsupported", node, what="detach(...) with arguments")
            for keyword in node.keywords:
                if keyword.arg not in LOSS_KEYWORDS:
                    raise CheckFailure("descent.unsupported", node, what=f"keyword {keyword.arg}=")
            children = [*node.args, *(k.value for k in node.keywords)]
            if owner is not None:
                children.append(owner)
        elif isinstance(node, ast.Attribute):
            raise CheckFailure("descent.unsupported", node, what=f".{node.attr} without a call")
        else:
            raise CheckFailure("descent.unsupported", node, what=_describe(node))
        for child in children:
            if isinstance(child, ast.Starred):
                raise CheckFailure("descent.unsupported", node, what="*arguments")
            stack.append((child, depth + 1))
    return detaches


def _callee(node: ast.Call) -> tuple[str, ast.expr | None]:
    """(function name, tensor expression it is called on or None for torch.<name>), checked."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        name = func.id if isinstance(func, ast.Name) else _describe(func)
        raise CheckFailure("descent.unknown_function", node, name=name)
    name = func.attr
    if isinstance(func.value, ast.Name) and func.value.id == "torch":
        if name in LOSS_REDUCTIONS:
            raise CheckFailure("descent.not_scalar_per_point", node, detail=f"torch.{name}")
        if name not in LOSS_FUNCTIONS:
            raise CheckFailure("descent.unknown_function", node, name=f"torch.{name}")
        return name, None
    if name in LOSS_REDUCTIONS:
        raise CheckFailure("descent.not_scalar_per_point", node, detail=f".{name}()")
    if name not in LOSS_METHODS:
        raise CheckFailure("descent.unknown_function", node, name=f".{name}()")
    return name, func.value


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:40]
    except Exception:  # unparse of odd trees: the node type still tells the user what it is
        return type(node).__name__
