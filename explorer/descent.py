"""The descent demo's logic: a loss in `a` and `b`, its surface, descent paths, gradient fields, fixed points.

The seed lesson runs 100 steps of plain gradient descent on l(a, b) = (a-1)^2 + (b+1)^2 + (a-b)^2 from
(0.5, -0.5) and ends at the minimum (1/3, -1/3); with `a.detach()` in the last term it ends at (1, 0), a point
where the surface's gradient is not zero. This module computes everything the page draws:

- `parse_loss(text)`: the loss typed by the user, checked against a small whitelist (numbers, `a`, `b`,
  arithmetic, `torch.<elementwise function>(...)`, elementwise tensor methods incl. `detach()`). It is never
  handed to eval/exec: `evaluate_loss` walks the checked tree and calls the engine itself.
- `grid_pass(loss, grid)`: ONE vectorized engine pass over the whole grid (a and b are grid tensors; one
  backward seeded with ones, i.e. the backward of `loss.sum()`, gives every point's gradient, because the
  loss is elementwise). The gradient is what autograd returns, so for a loss with `detach()` it is the
  detached field, not the surface's gradient.
- `descent_path(...)`: plain SGD exactly as the seed (autograd.grad, updates under no_grad, float32 scalars),
  SGD with momentum and Adam (engine.optim); a table of steps; stops where the path leaves the grid or stops
  being finite and says why.
- `fixed_points(...)`: the zeros of a field inside the grid, refined by Newton, classified.
- `build_demo(...)`: the true variant (the loss with every `detach()` removed) and the detached variant side
  by side, as the page shows them.

Errors are `DescentError`s carrying a catalogue key (`descent.*` in explorer/text/catalogue.py).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

import numpy as np

import engine
from explorer.text import t

DEFAULT_LOSS = "(a - 1)**2 + (b + 1)**2 + (a - b)**2"
DEFAULT_DETACHED_LOSS = "(a - 1)**2 + (b + 1)**2 + (a.detach() - b)**2"
DEFAULT_START = (0.5, -0.5)
DEFAULT_LR = 0.1
DEFAULT_STEPS = 100
DEFAULT_MOMENTUM = 0.9
DEFAULT_BETAS = (0.9, 0.999)
TRUE_MINIMUM = (1 / 3, -1 / 3)
DETACHED_FIXED_POINT = (1.0, 0.0)

OPTIMIZERS = ("sgd", "momentum", "adam")
MAX_STEPS = 5000
MAX_RESOLUTION = 400
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


class DescentError(Exception):
    """A problem with the demo's input or run: a catalogue key, its parameters and (for the loss) a column."""

    def __init__(self, key: str, col: int | None = None, **params):
        super().__init__(key)
        self.key = key
        self.col = col
        self.params = params

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")

    def __repr__(self) -> str:
        return f"DescentError({self.key!r}, col={self.col!r}, params={self.params!r})"


# --- the loss expression ---------------------------------------------------------------------------------


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
        if _is_number(left) and _is_number(right):
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


def _is_number(value) -> bool:
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


# --- the grid and one vectorized pass over it --------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """The drawn range: a along x, b along y, with `n_a` x `n_b` points (ends included)."""

    a_min: float = -1.0
    a_max: float = 2.0
    b_min: float = -2.0
    b_max: float = 1.0
    n_a: int = 121
    n_b: int = 121

    def __post_init__(self):
        bounds = (self.a_min, self.a_max, self.b_min, self.b_max)
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in bounds):
            raise DescentError("descent.bad_grid", detail="the range must be finite numbers")
        if not (self.a_min < self.a_max and self.b_min < self.b_max):
            raise DescentError("descent.bad_grid", detail="each range needs min < max")
        for n in (self.n_a, self.n_b):
            if not isinstance(n, int) or not 2 <= n <= MAX_RESOLUTION:
                raise DescentError("descent.bad_grid", detail=f"resolution must be 2..{MAX_RESOLUTION}")

    @property
    def a_axis(self) -> np.ndarray:
        return np.linspace(self.a_min, self.a_max, self.n_a)

    @property
    def b_axis(self) -> np.ndarray:
        return np.linspace(self.b_min, self.b_max, self.n_b)

    def contains(self, a: float, b: float) -> bool:
        return self.a_min <= a <= self.a_max and self.b_min <= b <= self.b_max


@dataclass
class FieldValues:
    """Loss values and the gradient autograd returns, at points: arrays of one shape.

    For a loss with detach() the gradient is the detached field, which is no surface's gradient.
    """

    loss: np.ndarray
    grad_a: np.ndarray
    grad_b: np.ndarray


@dataclass
class GridPass:
    """One expression over the grid. Arrays are indexed [b, a] (rows follow b), as Plotly's z expects."""

    loss_text: str
    grid: Grid
    a_axis: np.ndarray
    b_axis: np.ndarray
    loss: np.ndarray
    grad_a: np.ndarray
    grad_b: np.ndarray


def field_at(loss: LossExpression, a_values, b_values, dtype=None) -> FieldValues:
    """Loss and autograd gradient at many points in one engine pass: one forward, one backward (of the sum).

    `a_values`, `b_values`: arrays of one shape. The loss is elementwise (whitelist), so d(sum)/d a[i] is
    dl/da at point i alone.
    """
    dtype = engine.float64 if dtype is None else dtype
    a_values = np.asarray(a_values, dtype=np.float64)
    b_values = np.asarray(b_values, dtype=np.float64)
    a = engine.tensor(a_values, dtype=dtype, requires_grad=True)
    b = engine.tensor(b_values, dtype=dtype, requires_grad=True)
    result = evaluate_loss(loss, a, b)
    values, grads = _values_and_grads(result, (a, b), a_values.shape)
    return FieldValues(values, grads[0], grads[1])


def _values_and_grads(result, leaves, shape) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    zeros = (np.zeros(shape), np.zeros(shape))
    if _is_number(result):
        return np.full(shape, float(result)), zeros
    if not isinstance(result, engine.Tensor):
        raise DescentError("descent.not_scalar_per_point", detail=type(result).__name__)
    if tuple(result.shape) != tuple(shape):
        if result.numel() == 1 and not result.requires_grad:
            return np.full(shape, float(result.item())), zeros
        raise DescentError("descent.not_scalar_per_point", detail=f"shape {tuple(result.shape)}")
    values = np.array(result.detach().numpy(), dtype=np.float64)
    if not result.requires_grad:
        return values, zeros
    try:
        with np.errstate(all="ignore"):
            # the backward of result.sum(): a gradient of one at every point, without summing 40,000 values
            # that nobody reads (the engine sums in PyTorch's exact order, which costs more than the pass)
            ones = engine.ones_like(result)
            grads = engine.autograd.grad(result, leaves, grad_outputs=ones, allow_unused=True)
    except Exception as exc:  # as in evaluate_loss: the user sees a message, never a traceback
        raise DescentError("descent.evaluation_failed", detail=f"{type(exc).__name__}: {exc}") from None
    out = tuple(np.zeros(shape) if g is None else np.array(g.numpy(), dtype=np.float64) for g in grads)
    return values, out


def grid_pass(loss: LossExpression | str, grid: Grid | None = None) -> GridPass:
    """The loss over the whole grid in one vectorized engine pass (float64), with autograd's gradient."""
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    grid = Grid() if grid is None else grid
    a_axis, b_axis = grid.a_axis, grid.b_axis
    a_grid, b_grid = np.meshgrid(a_axis, b_axis)
    values = field_at(loss, a_grid, b_grid)
    return GridPass(loss.text, grid, a_axis, b_axis, values.loss, values.grad_a, values.grad_b)


# --- descent paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DescentStep:
    """Row k of the step table: the point after k updates, its loss and the gradient used for update k+1."""

    index: int
    a: float
    b: float
    loss: float
    grad_a: float
    grad_b: float


@dataclass
class DescentPath:
    loss_text: str
    optimizer: str
    lr: float
    start: tuple[float, float]
    steps: list[DescentStep]
    stop: DescentError | None = None  # why the path ended early (diverged / left the grid), or None

    @property
    def end(self) -> tuple[float, float]:
        return self.steps[-1].a, self.steps[-1].b

    @property
    def updates(self) -> int:
        return len(self.steps) - 1

    def column(self, name: str) -> np.ndarray:
        """One column of the table as an array: index, a, b, loss, grad_a or grad_b."""
        return np.array([getattr(s, name) for s in self.steps], dtype=np.float64)

    def end_text(self) -> str:
        """The end point as the seed prints it: '%.06f' % a, '%.06f' % b."""
        a, b = self.end
        return f"{a:.06f} {b:.06f}"

    def table(self) -> list[dict]:
        return [dict(step=s.index, a=s.a, b=s.b, l=s.loss, dl_da=s.grad_a, dl_db=s.grad_b)
                for s in self.steps]


def descent_path(
    loss: LossExpression | str,
    start: tuple[float, float] = DEFAULT_START,
    lr: float = DEFAULT_LR,
    steps: int = DEFAULT_STEPS,
    optimizer: str = "sgd",
    *,
    momentum: float = DEFAULT_MOMENTUM,
    betas: tuple[float, float] = DEFAULT_BETAS,
    bounds: Grid | None = None,
) -> DescentPath:
    """Run the descent on engine float32 scalars and record every point.

    "sgd" is the seed's loop verbatim: `ga, gb = autograd.grad(l, (a, b))`, then `a -= lr * ga` under
    no_grad. "momentum" and "adam" use engine.optim.SGD(momentum=...) / engine.optim.Adam with
    zero_grad / backward / step. The path stops early (with `stop` set) at the first point that is not finite
    or lies outside `bounds`; that point is the last row.
    """
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    _check_settings(start, lr, steps, optimizer, momentum, betas)
    a = engine.tensor(float(start[0])).requires_grad_()
    b = engine.tensor(float(start[1])).requires_grad_()
    if optimizer == "momentum":
        step_with = engine.optim.SGD([a, b], lr=lr, momentum=momentum)
    elif optimizer == "adam":
        step_with = engine.optim.Adam([a, b], lr=lr, betas=tuple(betas))
    else:
        step_with = None
    rows: list[DescentStep] = []
    stop = None
    start_loss = None
    for k in range(steps + 1):
        if step_with is not None:
            step_with.zero_grad()
        with np.errstate(all="ignore"):
            value = evaluate_loss(loss, a, b)
            grads, loss_value = _scalar_grads(value, a, b, use_backward=step_with is not None)
        ga, gb = (0.0 if g is None else float(g.item()) for g in grads)
        row = DescentStep(k, float(a.item()), float(b.item()), loss_value, ga, gb)
        rows.append(row)
        start_loss = loss_value if start_loss is None else start_loss
        stop = _stop_reason(row, start_loss, lr, bounds)
        if stop is not None or k == steps:
            break
        with np.errstate(all="ignore"):
            if step_with is None:
                with engine.no_grad():  # the seed's update, verbatim (a gradient autograd left out is zero)
                    if grads[0] is not None:
                        a -= lr * grads[0]
                    if grads[1] is not None:
                        b -= lr * grads[1]
            else:
                step_with.step()
    return DescentPath(loss.text, optimizer, float(lr), (float(start[0]), float(start[1])), rows, stop)


def _check_settings(start, lr, steps, optimizer, momentum, betas) -> None:
    if optimizer not in OPTIMIZERS:
        raise DescentError("descent.bad_setting", detail=f"optimizer must be one of {', '.join(OPTIMIZERS)}")
    numbers = [*start, lr, momentum, *betas]
    if len(start) != 2 or not all(_is_number(v) and math.isfinite(v) for v in numbers):
        raise DescentError("descent.bad_setting", detail="start, learning rate and momentum must be numbers")
    if lr <= 0:
        raise DescentError("descent.bad_setting", detail="the learning rate must be positive")
    if not isinstance(steps, int) or not 0 <= steps <= MAX_STEPS:
        raise DescentError("descent.bad_setting", detail=f"steps must be 0..{MAX_STEPS}")
    if not 0 <= momentum < 1 or not all(0 <= beta < 1 for beta in betas):
        raise DescentError("descent.bad_setting", detail="momentum and betas must be in [0, 1)")


def _scalar_grads(value, a, b, use_backward: bool) -> tuple[tuple, float]:
    """((dl/da, dl/db) as engine tensors or None, l) at the current point, as the chosen loop gets them."""
    if _is_number(value):
        return (None, None), float(value)
    if not isinstance(value, engine.Tensor) or value.numel() != 1:
        shape = tuple(value.shape) if isinstance(value, engine.Tensor) else type(value).__name__
        raise DescentError("descent.not_scalar_per_point", detail=f"shape {shape}")
    loss_value = float(value.item())
    if not value.requires_grad:
        return (None, None), loss_value
    try:
        if use_backward:
            value.backward()
            grads = (a.grad, b.grad)
        else:
            grads = engine.autograd.grad(value, (a, b), allow_unused=True)
    except Exception as exc:  # as in evaluate_loss: the user sees a message, never a traceback
        raise DescentError("descent.evaluation_failed", detail=f"{type(exc).__name__}: {exc}") from None
    return tuple(grads), loss_value


def _stop_reason(row: DescentStep, start_loss: float, lr: float, bounds: Grid | None) -> DescentError | None:
    if not all(math.isfinite(v) for v in (row.a, row.b, row.loss, row.grad_a, row.grad_b)):
        return DescentError("descent.diverged", step=row.index, lr=lr)
    if bounds is not None and not bounds.contains(row.a, row.b):
        if row.loss > start_loss:
            return DescentError("descent.diverged_left_grid", step=row.index, lr=lr)
        return DescentError("descent.left_grid", step=row.index)
    return None


# --- fixed points ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedPoint:
    """A zero of a field: a point where descent stops. `kind` is how the descent behaves near it."""

    a: float
    b: float
    # true field: minimum / maximum / saddle; with detach(): attracting / repelling / saddle; or degenerate
    kind: str
    eigenvalues: tuple  # of the field's Jacobian (for the true field: the Hessian)
    residual: float  # |field| at the point


def fixed_points(
    loss: LossExpression | str, grid: Grid | None = None, *, field_pass: GridPass | None = None,
    candidates: int = 8,
) -> list[FixedPoint]:
    """The zeros of autograd's field for `loss` inside `grid`.

    Candidates are the grid points where |field| has a local minimum; Newton's method (Jacobian by central
    differences, all candidates in one engine pass per iteration) refines them. For a loss without detach()
    the field is the surface's gradient (kinds minimum / maximum / saddle); with detach() it is the field
    descent follows (kinds attracting / repelling / saddle).
    """
    loss = loss if isinstance(loss, LossExpression) else parse_loss(loss)
    grid = Grid() if grid is None else grid
    gp = field_pass if field_pass is not None else grid_pass(loss, grid)
    norm = np.hypot(gp.grad_a, gp.grad_b)
    norm = np.where(np.isfinite(norm), norm, np.inf)
    padded = np.pad(norm, 1, constant_values=np.inf)
    neighbours = np.stack([padded[1 + di:1 + di + norm.shape[0], 1 + dj:1 + dj + norm.shape[1]]
                           for di in (-1, 0, 1) for dj in (-1, 0, 1) if di or dj])
    local = np.isfinite(norm) & (norm <= neighbours.min(axis=0))
    rows, cols = np.nonzero(local)
    order = np.argsort(norm[rows, cols], kind="stable")[:candidates]
    if order.size == 0:
        return []
    a = gp.a_axis[cols[order]].astype(np.float64)
    b = gp.b_axis[rows[order]].astype(np.float64)
    scale = max(grid.a_max - grid.a_min, grid.b_max - grid.b_min)
    for _ in range(40):
        value, jac = _field_and_jacobian(loss, a, b, scale)
        with np.errstate(all="ignore"):
            det = jac[:, 0, 0] * jac[:, 1, 1] - jac[:, 0, 1] * jac[:, 1, 0]
            ok = np.isfinite(det) & (np.abs(det) > 1e-12)
            safe = np.where(ok, det, 1.0)
            da = (jac[:, 1, 1] * value[:, 0] - jac[:, 0, 1] * value[:, 1]) / safe
            db = (-jac[:, 1, 0] * value[:, 0] + jac[:, 0, 0] * value[:, 1]) / safe
        a = np.where(ok, a - da, np.nan)
        b = np.where(ok, b - db, np.nan)
        if np.all(~ok | (np.hypot(da, db) < 1e-14 * scale)):
            break
    value, jac = _field_and_jacobian(loss, a, b, scale)
    found: list[FixedPoint] = []
    symmetric = not loss.uses_detach
    for i in range(a.size):
        residual = float(np.hypot(*value[i]))
        if not (np.isfinite(a[i]) and np.isfinite(b[i]) and grid.contains(a[i], b[i])):
            continue
        if not residual <= 1e-7 * (1 + float(np.max(np.abs(norm[np.isfinite(norm)]), initial=0.0))):
            continue
        if any(math.hypot(p.a - a[i], p.b - b[i]) < 1e-6 * scale for p in found):
            continue
        eig = np.linalg.eigvals(jac[i])
        found.append(FixedPoint(float(a[i]), float(b[i]), _kind(eig, symmetric), _plain(eig), residual))
    return sorted(found, key=lambda p: (p.a, p.b))


def _field_and_jacobian(loss: LossExpression, a: np.ndarray, b: np.ndarray, scale: float):
    """Field at each (a, b) and its Jacobian by central differences, in one vectorized pass."""
    h = 1e-5 * scale
    offsets = np.array([[0, 0], [h, 0], [-h, 0], [0, h], [0, -h]])
    pa = (a[None, :] + offsets[:, :1]).ravel()
    pb = (b[None, :] + offsets[:, 1:]).ravel()
    with np.errstate(all="ignore"):
        values = field_at(loss, np.nan_to_num(pa), np.nan_to_num(pb))
        g = np.stack([values.grad_a, values.grad_b], axis=-1).reshape(5, a.size, 2)
        jac = np.empty((a.size, 2, 2))
        jac[:, :, 0] = (g[1] - g[2]) / (2 * h)
        jac[:, :, 1] = (g[3] - g[4]) / (2 * h)
    return g[0], jac


def _kind(eigenvalues: np.ndarray, symmetric: bool) -> str:
    real = np.real(eigenvalues)
    tol = 1e-6 * max(1.0, float(np.max(np.abs(eigenvalues))))
    if np.all(real > tol):
        return "minimum" if symmetric else "attracting"
    if np.all(real < -tol):
        return "maximum" if symmetric else "repelling"
    if np.any(real > tol) and np.any(real < -tol):
        return "saddle"
    return "degenerate"


def _plain(eigenvalues: np.ndarray) -> tuple:
    return tuple(float(v.real) if abs(v.imag) < 1e-12 else complex(v) for v in eigenvalues)


# --- the demo: true and detached variants side by side ----------------------------------------------------


@dataclass
class Variant:
    """One way of descending: its loss expression, the field it follows, its path and its fixed points."""

    key: str  # "true" | "detached"
    loss: LossExpression
    field: GridPass
    path: DescentPath
    fixed_points: list[FixedPoint] = field(default_factory=list)


@dataclass
class DescentDemo:
    surface: GridPass  # values are the same for both variants (detach() never changes a value)
    true: Variant
    detached: Variant | None
    optimizer: str
    lr: float
    steps: int
    start: tuple[float, float]

    @property
    def variants(self) -> list[Variant]:
        return [self.true] if self.detached is None else [self.true, self.detached]


def build_demo(
    loss_text: str = DEFAULT_LOSS,
    detached_text: str | None = DEFAULT_DETACHED_LOSS,
    start: tuple[float, float] = DEFAULT_START,
    lr: float = DEFAULT_LR,
    steps: int = DEFAULT_STEPS,
    optimizer: str = "sgd",
    grid: Grid | None = None,
    *,
    momentum: float = DEFAULT_MOMENTUM,
    betas: tuple[float, float] = DEFAULT_BETAS,
) -> DescentDemo:
    """Everything the page draws.

    The true variant is `loss_text` with every detach() removed: autograd then gives the surface's gradient.
    The detached variant is `detached_text`, or `loss_text` itself when that contains detach(); None when
    neither applies. Both must be the same function of (a, b) (they may differ only in detach()).
    """
    grid = Grid() if grid is None else grid
    typed = parse_loss(loss_text)
    true_loss = strip_detach(typed)
    if detached_text is not None and detached_text.strip():
        detached_loss = parse_loss(detached_text)
    else:
        detached_loss = typed if typed.uses_detach else None
    run = dict(start=start, lr=lr, steps=steps, optimizer=optimizer, momentum=momentum, betas=betas,
               bounds=grid)
    surface = grid_pass(true_loss, grid)
    true = Variant("true", true_loss, surface, descent_path(true_loss, **run))
    true.fixed_points = fixed_points(true_loss, grid, field_pass=surface)
    detached = None
    if detached_loss is not None:
        detached_field = grid_pass(detached_loss, grid)
        _check_same_values(surface.loss, detached_field.loss)
        detached = Variant("detached", detached_loss, detached_field, descent_path(detached_loss, **run))
        detached.fixed_points = fixed_points(detached_loss, grid, field_pass=detached_field)
    start = (float(start[0]), float(start[1]))
    return DescentDemo(surface, true, detached, optimizer, float(lr), steps, start)


def _check_same_values(true_values: np.ndarray, detached_values: np.ndarray) -> None:
    both = np.isfinite(true_values) & np.isfinite(detached_values)
    gap = np.abs(true_values - detached_values)[both]
    limit = 1e-9 * (1 + np.abs(true_values[both]))
    same_finite = np.array_equal(np.isfinite(true_values), np.isfinite(detached_values))
    if not same_finite or np.any(gap > limit):
        raise DescentError("descent.variants_differ", gap=f"{float(gap.max(initial=0.0)):.3g}")


def explanation(demo: DescentDemo, lang: str = "en") -> str:
    """Why the two paths end in different places: the seed's worked explanation, or the general one."""
    seed = demo.detached is not None and _same_text(demo.true.loss.text, DEFAULT_LOSS) and _same_text(
        demo.detached.loss.text, DEFAULT_DETACHED_LOSS)
    return t("descent.why_seed" if seed else "descent.why_general", lang)


def _same_text(left: str, right: str) -> bool:
    return ast.dump(ast.parse(left.strip(), mode="eval")) == ast.dump(ast.parse(right.strip(), mode="eval"))
