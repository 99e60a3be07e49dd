"""The descent demo's loss: a function of `a` and `b` typed by the user, checked against a small whitelist
(numbers, `a`, `b`, arithmetic, `torch.<elementwise function>(...)`, elementwise tensor methods incl.
`detach()`) and evaluated on engine tensors. It is never handed to eval/exec: `evaluate_loss` walks the checked
tree and calls the engine itself. `strip_detach` gives the true variant; `occurrences` and `detach_occurrence`
say where `a` and `b` appear and detach one of them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

import engine
from explorer.descent import DescentError

MAX_LOSS_CHARS = 500
MAX_LOSS_NODES = 300
MAX_LOSS_DEPTH = 60

# Elementwise only: the grid pass relies on point (i, j) of the result depending on point (i, j) alone.
TORCH_FUNCTIONS = frozenset({
    "abs", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "maximum", "minimum",
    "clamp", "pow", "square", "log1p", "expm1", "atan", "sinh", "cosh", "rsqrt", "exp2", "sign", "reciprocal",
    "neg",
})
TENSOR_METHODS = TORCH_FUNCTIONS | {"detach", "clamp_min", "clamp_max"}
# Reductions mix the points of the grid; on a single point they are no-ops, so refusing them loses nothing.
REDUCTIONS = frozenset({
    "sum", "mean", "max", "min", "prod", "norm", "std", "var", "amax", "amin", "logsumexp",
})
KEYWORDS = frozenset({"min", "max", "exponent"})
NAMES = ("a", "b")

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


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
    if not isinstance(text, str) or not text.strip():
        raise DescentError("descent.empty_loss")
    if len(text) > MAX_LOSS_CHARS:
        raise DescentError("descent.loss_too_long", size=len(text), limit=MAX_LOSS_CHARS)
    if "\x00" in text:
        raise DescentError("descent.syntax_error", detail="NUL character")
    try:
        # newlines in a text area are layout, not statements
        tree = ast.parse(" ".join(text.strip().splitlines()), mode="eval").body
    except SyntaxError as exc:
        detail = exc.msg or "invalid syntax"
        raise DescentError("descent.syntax_error", col=exc.offset, detail=detail) from None
    except (RecursionError, MemoryError, ValueError):
        raise DescentError("descent.too_deep", limit=MAX_LOSS_DEPTH) from None
    detaches = _check(tree)
    return LossExpression(text=text, tree=tree, detach_count=detaches)


def _check(tree: ast.expr) -> int:
    """Walk iteratively (depth is one of the things we limit) and return the number of detach() calls."""
    count = 0
    detaches = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_LOSS_NODES:
            raise DescentError("descent.loss_too_long", size=f">{MAX_LOSS_NODES} nodes", limit=MAX_LOSS_NODES)
        if depth > MAX_LOSS_DEPTH:
            raise DescentError("descent.too_deep", limit=MAX_LOSS_DEPTH)
        col = getattr(node, "col_offset", None)
        col = None if col is None else col + 1
        children: list[ast.AST] = []
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise DescentError("descent.unsupported", col=col, what=repr(node.value))
        elif isinstance(node, ast.Name):
            if node.id not in NAMES:
                raise DescentError("descent.unknown_name", col=col, name=node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise DescentError("descent.unsupported", col=col, what=type(node.op).__name__)
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise DescentError("descent.unsupported", col=col, what=type(node.op).__name__)
            children = [node.operand]
        elif isinstance(node, ast.Call):
            name, owner = _callee(node, col)
            if name == "detach":
                detaches += 1
                if node.args or node.keywords:
                    raise DescentError("descent.unsupported", col=col, what="detach(...) with arguments")
            for keyword in node.keywords:
                if keyword.arg not in KEYWORDS:
                    raise DescentError("descent.unsupported", col=col, what=f"keyword {keyword.arg}=")
            children = [*node.args, *(k.value for k in node.keywords)]
            if owner is not None:
                children.append(owner)
        elif isinstance(node, ast.Attribute):
            raise DescentError("descent.unsupported", col=col, what=f".{node.attr} without a call")
        else:
            raise DescentError("descent.unsupported", col=col, what=_describe(node))
        for child in children:
            if isinstance(child, ast.Starred):
                raise DescentError("descent.unsupported", col=col, what="*arguments")
            stack.append((child, depth + 1))
    return detaches


def _callee(node: ast.Call, col) -> tuple[str, ast.expr | None]:
    """(function name, tensor expression it is called on or None for torch.<name>), checked."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        name = func.id if isinstance(func, ast.Name) else _describe(func)
        raise DescentError("descent.unknown_function", col=col, name=name)
    name = func.attr
    if isinstance(func.value, ast.Name) and func.value.id == "torch":
        if name in REDUCTIONS:
            raise DescentError("descent.not_scalar_per_point", col=col, detail=f"torch.{name}")
        if name not in TORCH_FUNCTIONS:
            raise DescentError("descent.unknown_function", col=col, name=f"torch.{name}")
        return name, None
    if name in REDUCTIONS:
        raise DescentError("descent.not_scalar_per_point", col=col, detail=f".{name}()")
    if name not in TENSOR_METHODS:
        raise DescentError("descent.unknown_function", col=col, name=f".{name}()")
    return name, func.value


def _describe(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:40]
    except Exception:  # unparse of odd trees: the node type still tells the user what it is
        return type(node).__name__


def evaluate_loss(loss: LossExpression, a, b):
    """The loss with `a`, `b` bound to engine tensors (or numbers): an engine tensor or a Python number."""
    try:
        with np.errstate(all="ignore"):
            return _evaluate(loss.tree, {"a": a, "b": b})
    except DescentError:
        raise
    except Exception as exc:  # whatever the engine raises for a typed loss becomes a message
        raise DescentError("descent.evaluation_failed", detail=f"{type(exc).__name__}: {exc}") from None


def _evaluate(node: ast.expr, env: dict):
    if isinstance(node, ast.Constant):
        value = node.value
        # small ints stay ints (as in the lesson); big ones become floats so `10**10**10` overflows, not hangs
        return value if isinstance(value, float) or abs(value) < 2**31 else float(value)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, env)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, env)
        right = _evaluate(node.right, env)
        if is_number(left) and is_number(right):
            return _number_op(type(node.op), left, right)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        return left**right
    if isinstance(node, ast.Call):
        func = node.func
        args = [_evaluate(arg, env) for arg in node.args]
        kwargs = {k.arg: _evaluate(k.value, env) for k in node.keywords}
        if isinstance(func.value, ast.Name) and func.value.id == "torch":
            target = getattr(engine, func.attr, None)
            if target is None:
                raise DescentError("descent.unknown_function", name=f"torch.{func.attr}")
            return target(*args, **kwargs)
        owner = _evaluate(func.value, env)
        if not isinstance(owner, engine.Tensor):
            raise DescentError("descent.method_on_number", name=func.attr)
        method = getattr(owner, func.attr, None)
        if method is None:
            raise DescentError("descent.unknown_function", name=f".{func.attr}()")
        return method(*args, **kwargs)
    raise DescentError("descent.unsupported", what=_describe(node))  # unreachable after _check


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_op(op, left, right):
    if op is ast.Pow and isinstance(left, int) and isinstance(right, int) and abs(right) > 64:
        left, right = float(left), float(right)  # keep integer powers small: no giant ints
    try:
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        result = left**right
    except OverflowError:
        raise DescentError("descent.number_too_large") from None
    if isinstance(result, complex):
        raise DescentError("descent.evaluation_failed", detail="a negative number to a fractional power")
    if isinstance(result, int) and abs(result) >= 2**53:
        # nested integer powers would grow without bound; beyond 2**53 floats are what the engine uses anyway
        try:
            return float(result)
        except OverflowError:
            raise DescentError("descent.number_too_large") from None
    return result


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
    names = [n for n in ast.walk(loss.tree) if isinstance(n, ast.Name) and n.id in NAMES]
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

