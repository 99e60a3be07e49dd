"""The descent demo's numbers: the loss over a grid, descent paths, fixed points, and the demo itself.

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
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

import numpy as np

import engine
from explorer.descent import (
    DEFAULT_BETAS,
    DEFAULT_DETACHED_LOSS,
    DEFAULT_LOSS,
    DEFAULT_LR,
    DEFAULT_MOMENTUM,
    DEFAULT_START,
    DEFAULT_STEPS,
    MAX_STEPS,
    OPTIMIZERS,
    DescentError,
)
from explorer.descent.loss import LossExpression, evaluate_loss, is_number, loss_interpreter, parse_loss, strip_detach
from explorer.text import t

MAX_RESOLUTION = 400


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


def field_at(loss: LossExpression, a_values, b_values, dtype=None, interpreter=None) -> FieldValues:
    """Loss and autograd gradient at many points in one engine pass: one forward, one backward (of the sum).

    `a_values`, `b_values`: arrays of one shape. The loss is elementwise (whitelist), so d(sum)/d a[i] is
    dl/da at point i alone.
    """
    dtype = engine.float64 if dtype is None else dtype
    a_values = np.asarray(a_values, dtype=np.float64)
    b_values = np.asarray(b_values, dtype=np.float64)
    a = engine.tensor(a_values, dtype=dtype, requires_grad=True)
    b = engine.tensor(b_values, dtype=dtype, requires_grad=True)
    result = evaluate_loss(loss, a, b, interpreter)
    values, grads = _values_and_grads(result, (a, b), a_values.shape)
    return FieldValues(values, grads[0], grads[1])


def _values_and_grads(result, leaves, shape) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    zeros = (np.zeros(shape), np.zeros(shape))
    if is_number(result):
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
    interpreter = loss_interpreter()
    for k in range(steps + 1):
        if step_with is not None:
            step_with.zero_grad()
        with np.errstate(all="ignore"):
            value = evaluate_loss(loss, a, b, interpreter)
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
    if len(start) != 2 or not all(is_number(v) and math.isfinite(v) for v in numbers):
        raise DescentError("descent.bad_setting", detail="start, learning rate and momentum must be numbers")
    if lr <= 0:
        raise DescentError("descent.bad_setting", detail="the learning rate must be positive")
    if not isinstance(steps, int) or not 0 <= steps <= MAX_STEPS:
        raise DescentError("descent.bad_setting", detail=f"steps must be 0..{MAX_STEPS}")
    if not 0 <= momentum < 1 or not all(0 <= beta < 1 for beta in betas):
        raise DescentError("descent.bad_setting", detail="momentum and betas must be in [0, 1)")


def _scalar_grads(value, a, b, use_backward: bool) -> tuple[tuple, float]:
    """((dl/da, dl/db) as engine tensors or None, l) at the current point, as the chosen loop gets them."""
    if is_number(value):
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
    interpreter = loss_interpreter()
    for _ in range(40):
        value, jac = _field_and_jacobian(loss, a, b, scale, interpreter)
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
    value, jac = _field_and_jacobian(loss, a, b, scale, interpreter)
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


def _field_and_jacobian(loss: LossExpression, a: np.ndarray, b: np.ndarray, scale: float, interpreter):
    """Field at each (a, b) and its Jacobian by central differences, in one vectorized pass."""
    h = 1e-5 * scale
    offsets = np.array([[0, 0], [h, 0], [-h, 0], [0, h], [0, -h]])
    pa = (a[None, :] + offsets[:, :1]).ravel()
    pb = (b[None, :] + offsets[:, 1:]).ravel()
    with np.errstate(all="ignore"):
        values = field_at(loss, np.nan_to_num(pa), np.nan_to_num(pb), interpreter=interpreter)
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


REACHED = 1e-3  # a path that ends this close to a point where its arrows vanish has reached it


def explanation(demo: DescentDemo, lang: str = "en") -> str:
    """Why the two paths end where they do: first what each path actually did with these settings (diverged,
    left the grid, reached the point where its arrows vanish, or is still on its way there), then the seed's
    worked explanation, or the general one, which assumes paths that settle."""
    seed = demo.detached is not None and _same_text(demo.true.loss.text, DEFAULT_LOSS) and _same_text(
        demo.detached.loss.text, DEFAULT_DETACHED_LOSS)
    outcomes = [outcome(variant, lang) for variant in demo.variants]
    why = t("descent.why_seed" if seed else "descent.why_general", lang)
    if any(_diverged(variant) for variant in demo.variants):
        why = t("descent.why_if_settled", lang, why=why)
    return "\n\n".join([*(line for line in outcomes if line), why])


def _diverged(variant: Variant) -> bool:
    stop = variant.path.stop
    return stop is not None and stop.key in ("descent.diverged", "descent.diverged_left_grid")


def outcome(variant: Variant, lang: str = "en") -> str | None:
    """One sentence on what this variant's path did, in the catalogue's words."""
    name = t("descent.true" if variant.key == "true" else "descent.detached_variant", lang)
    path = variant.path
    stop = path.stop
    if _diverged(variant):
        return t("descent.outcome.diverged", lang, variant=name, step=stop.params["step"], lr=path.lr)
    if stop is not None:
        return t("descent.outcome.left_grid", lang, variant=name, step=stop.params["step"])
    settling = [p for p in variant.fixed_points if p.kind in ("minimum", "attracting")]
    if not settling:
        return None
    a, b = path.end
    point = min(settling, key=lambda p: math.hypot(p.a - a, p.b - b))
    where = f"({point.a:.4g}, {point.b:.4g})"
    if math.hypot(point.a - a, point.b - b) <= REACHED:
        return t("descent.outcome.reached", lang, variant=name, n=path.updates, point=where)
    return t("descent.outcome.on_its_way", lang, variant=name, n=path.updates, end=f"({a:.4g}, {b:.4g})",
             point=where)


def _same_text(left: str, right: str) -> bool:
    return ast.dump(ast.parse(left.strip(), mode="eval")) == ast.dump(ast.parse(right.strip(), mode="eval"))
