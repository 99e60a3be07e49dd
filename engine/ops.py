"""The op registry: the single source of truth for every differentiable op.

Each entry says, side by side: PyTorch's `grad_fn` name, the numpy forward, one vector-Jacobian product (VJP)
per differentiable input, what each VJP needs saved, and the formulas the explorer displays. Tensor methods,
`engine.nn.functional`, the backward engine, the viewer and the tests all read from here.

A VJP is `vjp(m, g, s, a)`: `m` is the math backend (`engine.vjp_math`: numpy arrays, or engine tensors when
`create_graph=True`), `g` the incoming gradient, `s` the saved values by name (`self`, `other`, ... and
`result`), `a` the op's non-tensor arguments. Rules return a gradient of the *broadcast* shape; the backward
engine reduces it to the input's shape in one place (`sum_to`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .vjp_math import NUMPY, _data


@dataclass(frozen=True, eq=False)
class OpSpec:
    name: str  # our key, e.g. "mul"
    grad_fn: str  # PyTorch's node class name, e.g. "MulBackward0"
    inputs: tuple[str, ...]  # differentiable inputs, in next_functions order
    forward: Callable[..., Any]
    vjps: tuple[Callable | None, ...]  # one per input; None: PyTorch has no derivative for it
    saves: tuple[tuple[str, ...], ...]  # per input: the saved values its VJP reads
    formula: str  # plain-text forward, e.g. "result = self * other"
    latex: str
    backward_formulas: tuple[str, ...]  # plain text, one per input
    backward_latex: tuple[str, ...]
    extra_saves: tuple[str, ...] = ()  # values the forward computes and returns besides its result
    not_implemented: dict = field(default_factory=dict)  # input name -> PyTorch's message

    def saved_names(self, needs: tuple[bool, ...]) -> tuple[str, ...]:
        """What must be kept for the inputs that need a gradient (PyTorch saves nothing more)."""
        names: list[str] = []
        for need, wanted in zip(needs, self.saves):
            if need:
                names.extend(n for n in wanted if n not in names)
        return tuple(names)


REGISTRY: dict[str, OpSpec] = {}


def _op(name, grad_fn, inputs, forward, vjps, saves, formula, latex, backward, backward_latex, **kw) -> OpSpec:
    spec = OpSpec(
        name, grad_fn, tuple(inputs), forward, tuple(vjps), tuple(tuple(s) for s in saves), formula, latex,
        tuple(backward), tuple(backward_latex), **kw,
    )
    assert len(spec.vjps) == len(spec.inputs) == len(spec.saves) == len(spec.backward_formulas), name
    REGISTRY[name] = spec
    return spec


def _unary(name, grad_fn, forward, vjp, saves, formula, latex, backward, backward_latex):
    return _op(name, grad_fn, ("self",), forward, (vjp,), (saves,), formula, latex, (backward,), (backward_latex,))


# ---------------------------------------------------------------- elementwise arithmetic
def _add_fwd(x, y, alpha=1):
    return x + y if alpha == 1 else x + alpha * y


def _sub_fwd(x, y, alpha=1):
    return x - y if alpha == 1 else x - alpha * y


_op("add", "AddBackward0", ("self", "other"), _add_fwd,
    (lambda m, g, s, a: g, lambda m, g, s, a: g if a.get("alpha", 1) == 1 else g * a["alpha"]),
    ((), ()),
    "result = self + alpha·other", r"r = x + \alpha y",
    ("grad_self = grad", "grad_other = alpha·grad"), (r"\bar x = \bar r", r"\bar y = \alpha \bar r"))
_op("sub", "SubBackward0", ("self", "other"), _sub_fwd,
    (lambda m, g, s, a: g, lambda m, g, s, a: -g if a.get("alpha", 1) == 1 else g * -a["alpha"]),
    ((), ()),
    "result = self - alpha·other", r"r = x - \alpha y",
    ("grad_self = grad", "grad_other = -alpha·grad"), (r"\bar x = \bar r", r"\bar y = -\alpha \bar r"))
_unary("rsub", "RsubBackward1", lambda x, other, alpha=1: other - alpha * x, lambda m, g, s, a: -g, (),
       "result = other - self", r"r = c - x", "grad_self = -grad", r"\bar x = -\bar r")
_op("mul", "MulBackward0", ("self", "other"), np.multiply,
    (lambda m, g, s, a: g * s["other"], lambda m, g, s, a: g * s["self"]),
    (("other",), ("self",)),
    "result = self * other", r"r = x \cdot y",
    ("grad_self = grad * other", "grad_other = grad * self"),
    (r"\bar x = \bar r \cdot y", r"\bar y = \bar r \cdot x"))
_op("div", "DivBackward0", ("self", "other"), np.true_divide,
    (lambda m, g, s, a: g / s["other"], lambda m, g, s, a: -g * s["self"] / (s["other"] * s["other"])),
    (("other",), ("self", "other")),
    "result = self / other", r"r = \frac{x}{y}",
    ("grad_self = grad / other", "grad_other = -grad * self / other²"),
    (r"\bar x = \frac{\bar r}{y}", r"\bar y = -\frac{\bar r\, x}{y^2}"))
_unary("neg", "NegBackward0", np.negative, lambda m, g, s, a: -g, (),
       "result = -self", r"r = -x", "grad_self = -grad", r"\bar x = -\bar r")
_unary("reciprocal", "ReciprocalBackward0", lambda x: 1 / x,
       lambda m, g, s, a: -g * s["result"] * s["result"], ("result",),
       "result = 1 / self", r"r = \frac{1}{x}", "grad_self = -grad * result²", r"\bar x = -\bar r\, r^2")


def _pow_scalar_vjp(m, g, s, a):
    e = a["exponent"]
    if e == 0:
        return g * 0
    if e == 2:
        return g * 2 * s["self"]
    return g * e * s["self"] ** (e - 1)


_unary("pow", "PowBackward0", lambda x, exponent: np.power(x, exponent), _pow_scalar_vjp, ("self",),
       "result = self ** exponent", r"r = x^{p}",
       "grad_self = grad * exponent * self ** (exponent - 1)", r"\bar x = \bar r\, p\, x^{p-1}")


def _log_where_positive(m, x):
    # PyTorch's rule: d(x**y)/dy is taken as 0 where x == 0 (and y >= 0) instead of nan from log(0)
    xd = _data(x)
    safe = m.where(xd == 0, m.constant(np.ones_like(xd)), x)
    return m.where(xd == 0, m.constant(np.zeros_like(xd)), m.log(safe))


_op("pow_tensor", "PowBackward1", ("self", "exponent"), np.power,
    (lambda m, g, s, a: g * s["exponent"] * s["self"] ** (s["exponent"] - 1),
     lambda m, g, s, a: g * s["result"] * _log_where_positive(m, s["self"])),
    (("self", "exponent"), ("self", "result")),
    "result = self ** exponent", r"r = x^{y}",
    ("grad_self = grad * exponent * self ** (exponent - 1)", "grad_exponent = grad * result * log(self)"),
    (r"\bar x = \bar r\, y\, x^{y-1}", r"\bar y = \bar r\, r \ln x"))
_unary("rpow", "PowBackward2", lambda x, base: np.power(base, x),
       lambda m, g, s, a: g * s["result"] * float(np.log(a["base"])), ("result",),
       "result = base ** self", r"r = c^{x}", "grad_self = grad * result * log(base)", r"\bar x = \bar r\, r \ln c")

# ---------------------------------------------------------------- elementwise functions
_unary("abs", "AbsBackward0", np.abs, lambda m, g, s, a: g * m.sign(s["self"]), ("self",),
       "result = |self|", r"r = |x|", "grad_self = grad * sign(self)", r"\bar x = \bar r\, \operatorname{sign}(x)")
_unary("exp", "ExpBackward0", np.exp, lambda m, g, s, a: g * s["result"], ("result",),
       "result = exp(self)", r"r = e^{x}", "grad_self = grad * result", r"\bar x = \bar r\, r")
_unary("log", "LogBackward0", np.log, lambda m, g, s, a: g / s["self"], ("self",),
       "result = log(self)", r"r = \ln x", "grad_self = grad / self", r"\bar x = \frac{\bar r}{x}")
_unary("sqrt", "SqrtBackward0", np.sqrt, lambda m, g, s, a: g / (2 * s["result"]), ("result",),
       "result = sqrt(self)", r"r = \sqrt{x}", "grad_self = grad / (2 * result)", r"\bar x = \frac{\bar r}{2r}")
_unary("sin", "SinBackward0", np.sin, lambda m, g, s, a: g * m.cos(s["self"]), ("self",),
       "result = sin(self)", r"r = \sin x", "grad_self = grad * cos(self)", r"\bar x = \bar r \cos x")
_unary("cos", "CosBackward0", np.cos, lambda m, g, s, a: -g * m.sin(s["self"]), ("self",),
       "result = cos(self)", r"r = \cos x", "grad_self = -grad * sin(self)", r"\bar x = -\bar r \sin x")
_unary("tanh", "TanhBackward0", np.tanh, lambda m, g, s, a: g * (1 - s["result"] * s["result"]), ("result",),
       "result = tanh(self)", r"r = \tanh x", "grad_self = grad * (1 - result²)", r"\bar x = \bar r (1 - r^2)")


def _sigmoid_fwd(x):
    # split by sign so that exp never overflows
    out = np.empty_like(x) if isinstance(x, np.ndarray) else None
    if out is None:
        return 1.0 / (1.0 + np.exp(-x)) if x >= 0 else np.exp(x) / (1.0 + np.exp(x))
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


_unary("sigmoid", "SigmoidBackward0", _sigmoid_fwd, lambda m, g, s, a: g * s["result"] * (1 - s["result"]),
       ("result",), "result = 1 / (1 + exp(-self))", r"r = \sigma(x) = \frac{1}{1+e^{-x}}",
       "grad_self = grad * result * (1 - result)", r"\bar x = \bar r\, r (1 - r)")
_unary("relu", "ReluBackward0", lambda x: np.maximum(x, 0).astype(x.dtype, copy=False),
       lambda m, g, s, a: g * m.constant((_data(s["result"]) > 0).astype(_data(s["result"]).dtype)), ("result",),
       "result = max(self, 0)", r"r = \max(x, 0)", "grad_self = grad * (result > 0)", r"\bar x = \bar r\, [r > 0]")


def _clamp_fwd(x, min=None, max=None):
    out = x
    if min is not None:
        out = np.maximum(out, min)
    if max is not None:
        out = np.minimum(out, max)
    return out.astype(x.dtype, copy=False) if isinstance(out, np.ndarray) else out


def _clamp_mask(x, a):
    xd = _data(x)
    mask = np.ones(np.shape(xd), dtype=bool)
    if a.get("min") is not None:
        mask &= xd >= a["min"]
    if a.get("max") is not None:
        mask &= xd <= a["max"]
    return mask.astype(xd.dtype)


_unary("clamp", "ClampBackward1", _clamp_fwd, lambda m, g, s, a: g * m.constant(_clamp_mask(s["self"], a)),
       ("self",), "result = min(max(self, min), max)", r"r = \min(\max(x, a), b)",
       "grad_self = grad * (min ≤ self ≤ max)", r"\bar x = \bar r\, [a \le x \le b]")
_unary("log_sigmoid", "LogSigmoidBackward0",
       lambda x: -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))),
       lambda m, g, s, a: g * (1 - m.sigmoid(s["self"])), ("self",),
       "result = log(sigmoid(self))", r"r = \ln \sigma(x)", "grad_self = grad * (1 - sigmoid(self))",
       r"\bar x = \bar r (1 - \sigma(x))")
_unary("clone", "CloneBackward0", lambda x: np.array(x, copy=True), lambda m, g, s, a: g, (),
       "result = self (a copy)", r"r = x", "grad_self = grad", r"\bar x = \bar r")
_unary("to_copy", "ToCopyBackward0", lambda x, dtype: np.asarray(x, dtype=dtype), lambda m, g, s, a: g, (),
       "result = self converted to dtype", r"r = x", "grad_self = grad (converted back)", r"\bar x = \bar r")


def _tie_split(x, y, first):
    """Gradient share of the first (or second) argument of maximum/minimum: all of it, or half on ties."""
    xd, yd = _data(x), _data(y)
    win = (xd > yd) if first else (yd > xd)
    return (win + 0.5 * (xd == yd)).astype(np.result_type(xd, yd))


def _minmax_pair(name, grad_fn, fwd, sign):
    _op(name, grad_fn, ("self", "other"), fwd,
        (lambda m, g, s, a: g * m.constant(_tie_split(s["self"] * sign, s["other"] * sign, True)),
         lambda m, g, s, a: g * m.constant(_tie_split(s["self"] * sign, s["other"] * sign, False))),
        (("self", "other"), ("self", "other")),
        f"result = {name}(self, other)", rf"r = \{name[:3]}(x, y)",
        ("grad_self = grad where self wins (half on ties)", "grad_other = grad where other wins (half on ties)"),
        (r"\bar x = \bar r\, [x\ \text{wins}]", r"\bar y = \bar r\, [y\ \text{wins}]"))


_minmax_pair("maximum", "MaximumBackward0", np.maximum, 1)
_minmax_pair("minimum", "MinimumBackward0", np.minimum, -1)
_op("where", "WhereBackward0", ("self", "other"), lambda x, y, condition: np.where(condition, x, y),
    (lambda m, g, s, a: m.where(a["condition"], g, 0 * g), lambda m, g, s, a: m.where(a["condition"], 0 * g, g)),
    ((), ()),
    "result = self where condition else other", r"r = c\ ?\ x : y",
    ("grad_self = grad where condition", "grad_other = grad where not condition"),
    (r"\bar x = [c]\, \bar r", r"\bar y = [\lnot c]\, \bar r"))


# ---------------------------------------------------------------- reductions
def _keepdim_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _expand_reduced(m, g, shape, a):
    """Bring a reduced gradient back to the input's shape."""
    if not a.get("keepdim", False) and a.get("dim") is not None:
        g = m.reshape(g, _keepdim_shape(shape, a["dim"]))
    return m.expand(g, shape)


def _shape(x):
    return np.shape(_data(x))


_unary("sum", "SumBackward0", lambda x: np.sum(x), lambda m, g, s, a: m.expand(g, a["shape"]), (),
       "result = Σ self", r"r = \sum_i x_i", "grad_self = grad expanded to self's shape", r"\bar x_i = \bar r")
_unary("sum_dim", "SumBackward1", lambda x, dim, keepdim=False: np.sum(x, axis=dim, keepdims=keepdim),
       lambda m, g, s, a: _expand_reduced(m, g, a["shape"], a), (),
       "result = Σ self over dim", r"r = \sum_{d} x", "grad_self = grad expanded over dim", r"\bar x = \bar r")
_unary("mean", "MeanBackward0", lambda x: np.mean(x, dtype=x.dtype),
       lambda m, g, s, a: m.expand(g / max(int(np.prod(a["shape"])), 1), a["shape"]), (),
       "result = Σ self / n", r"r = \frac{1}{n}\sum_i x_i", "grad_self = grad / n expanded", r"\bar x_i = \frac{\bar r}{n}")
_unary("mean_dim", "MeanBackward1",
       lambda x, dim, keepdim=False: np.mean(x, axis=dim, keepdims=keepdim, dtype=x.dtype),
       lambda m, g, s, a: _expand_reduced(m, g / int(np.prod([a["shape"][d] for d in a["dim"]])), a["shape"], a), (),
       "result = mean of self over dim", r"r = \frac{1}{n}\sum_{d} x",
       "grad_self = grad / n expanded over dim", r"\bar x = \frac{\bar r}{n}")


def _extreme_all_vjp(m, g, s, a):
    # PyTorch spreads the gradient evenly over every element equal to the extreme
    mask = (_data(s["self"]) == _data(s["result"])).astype(_data(s["self"]).dtype)
    return m.expand(g, mask.shape) * m.constant(mask / mask.sum())


_unary("max", "MaxBackward1", lambda x: np.max(x), _extreme_all_vjp, ("self", "result"),
       "result = max(self)", r"r = \max_i x_i", "grad_self = grad / k at the k maxima", r"\bar x_i = \frac{\bar r}{k}[x_i = r]")
_unary("min", "MinBackward1", lambda x: np.min(x), _extreme_all_vjp, ("self", "result"),
       "result = min(self)", r"r = \min_i x_i", "grad_self = grad / k at the k minima", r"\bar x_i = \frac{\bar r}{k}[x_i = r]")


def _extreme_dim_fwd(pick):
    def forward(x, dim, keepdim=False):
        idx = pick(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            values, idx = np.squeeze(values, axis=dim), np.squeeze(idx, axis=dim)
        return values, {"indices": idx.astype(np.int64)}

    return forward


def _extreme_dim_vjp(m, g, s, a):
    dim, shape = a["dim"], a["shape"]
    idx = s["indices"] if a.get("keepdim") else np.expand_dims(s["indices"], dim)
    if not a.get("keepdim"):
        g = m.reshape(g, idx.shape)
    index = tuple(idx if d == dim else np.arange(n).reshape([-1 if k == d else 1 for k in range(len(shape))])
                  for d, n in enumerate(shape))
    return m.scatter_add(shape, index, g, g)


_unary("max_dim", "MaxBackward0", _extreme_dim_fwd(np.argmax), _extreme_dim_vjp, ("indices",),
       "values, indices = max(self, dim)", r"r = \max_{d} x", "grad_self = grad placed at indices",
       r"\bar x_{\text{idx}} = \bar r")
REGISTRY["max_dim"] = OpSpec(**{**REGISTRY["max_dim"].__dict__, "extra_saves": ("indices",)})
_unary("min_dim", "MinBackward0", _extreme_dim_fwd(np.argmin), _extreme_dim_vjp, ("indices",),
       "values, indices = min(self, dim)", r"r = \min_{d} x", "grad_self = grad placed at indices",
       r"\bar x_{\text{idx}} = \bar r")
REGISTRY["min_dim"] = OpSpec(**{**REGISTRY["min_dim"].__dict__, "extra_saves": ("indices",)})


def _norm_fwd(x, ord=2, dim=None, keepdim=False):
    ax = x if x.dtype.kind == "f" else x.astype(np.float32)
    absx = np.abs(ax)
    if ord == 2:
        out = np.sqrt(np.sum(ax * ax, axis=dim, keepdims=keepdim))
    elif ord == 1:
        out = np.sum(absx, axis=dim, keepdims=keepdim)
    elif ord == float("inf"):
        out = np.max(absx, axis=dim, keepdims=keepdim)
    elif ord == 0:
        out = np.sum(absx != 0, axis=dim, keepdims=keepdim).astype(ax.dtype)
    else:
        out = np.sum(absx**ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)
    return np.asarray(out, dtype=ax.dtype)


def _norm_vjp(m, g, s, a):
    p, shape = a.get("ord", 2), a["shape"]
    x, r = s["self"], s["result"]
    rd = _data(r)
    if a.get("dim") is not None and not a.get("keepdim"):
        g = m.reshape(g, _keepdim_shape(shape, a["dim"]))
        r = m.reshape(r, _keepdim_shape(shape, a["dim"]))
        rd = np.reshape(rd, _keepdim_shape(shape, a["dim"]))
    if p == 0:
        return m.expand(g * 0, shape)
    if p == 1:
        return g * m.sign(x)
    zero = m.constant((rd == 0).astype(rd.dtype))
    safe_r = r + zero  # where the norm is 0 PyTorch returns a zero gradient
    if p == 2:
        return g * x / safe_r * m.constant(1 - _data(zero))
    if p == float("inf"):
        xd = _data(x)
        mask = (np.abs(xd) == rd).astype(xd.dtype)
        return g * m.sign(x) * m.constant(mask / np.maximum(mask.sum(axis=a.get("dim"), keepdims=True), 1))
    return g * x * m.abs(x) ** (p - 2) / safe_r ** (p - 1) * m.constant(1 - _data(zero))


_unary("norm", "LinalgVectorNormBackward0", _norm_fwd, _norm_vjp, ("self", "result"),
       "result = (Σ |self|^p)^(1/p)", r"r = \|x\|_p", "grad_self = grad * self * |self|^(p-2) / result^(p-1)",
       r"\bar x = \bar r\, \frac{x\,|x|^{p-2}}{r^{p-1}}")

# ---------------------------------------------------------------- shapes and views
_RESHAPE_BACK = "grad_self = grad reshaped to self's shape"


def _view_like(name, grad_fn, forward, formula, latex):
    _unary(name, grad_fn, forward, lambda m, g, s, a: m.reshape(g, a["shape"]), (), formula, latex,
           _RESHAPE_BACK, r"\bar x = \operatorname{reshape}(\bar r)")


_view_like("view", "ViewBackward0", lambda x, size: np.reshape(x, size), "result = self.view(size)", r"r = x")
_view_like("unsafe_view", "UnsafeViewBackward0", lambda x, size: np.reshape(x, size),
           "result = self.reshape(size)", r"r = x")
_view_like("squeeze", "SqueezeBackward0", lambda x: np.squeeze(x), "result = self.squeeze()", r"r = x")
_view_like("squeeze_dim", "SqueezeBackward1", lambda x, dim: np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x,
           "result = self.squeeze(dim)", r"r = x")
_view_like("squeeze_matmul", "SqueezeBackward4", lambda x, dim: np.squeeze(x, axis=dim),
           "result = self.squeeze_(dim)", r"r = x")
_view_like("unsqueeze", "UnsqueezeBackward0", lambda x, dim: np.expand_dims(x, dim),
           "result = self.unsqueeze(dim)", r"r = x")
_unary("expand", "ExpandBackward0", lambda x, size: np.broadcast_to(x, size), lambda m, g, s, a: g, (),
       "result = self expanded to size", r"r = x", "grad_self = grad summed over expanded dims",
       r"\bar x = \sum_{\text{expanded}} \bar r")
_unary("t", "TBackward0", lambda x: np.transpose(x), lambda m, g, s, a: m.permute(g, tuple(range(np.ndim(_data(g)))[::-1])),
       (), "result = selfᵀ", r"r = x^{\top}", "grad_self = gradᵀ", r"\bar x = \bar r^{\top}")
_unary("transpose", "TransposeBackward0", lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
       lambda m, g, s, a: m.transpose(g, a["dim0"], a["dim1"]), (),
       "result = self.transpose(dim0, dim1)", r"r = x^{\top}", "grad_self = grad.transpose(dim0, dim1)",
       r"\bar x = \bar r^{\top}")
_unary("permute", "PermuteBackward0", lambda x, dims: np.transpose(x, dims),
       lambda m, g, s, a: m.permute(g, tuple(np.argsort(a["dims"]))), (),
       "result = self.permute(dims)", r"r = x^{\sigma}", "grad_self = grad.permute(inverse dims)",
       r"\bar x = \bar r^{\sigma^{-1}}")


def _scatter_basic(m, g, s, a):
    return m.scatter_add(a["shape"], a["index"], g, g)


_unary("select", "SelectBackward0", lambda x, index: x[index], _scatter_basic, (),
       "result = self[index]", r"r = x_{i}", "grad_self = zeros with grad at index", r"\bar x_i = \bar r")
_unary("slice", "SliceBackward0", lambda x, index: x[index], _scatter_basic, (),
       "result = self[start:stop:step]", r"r = x_{a:b}", "grad_self = zeros with grad in the slice",
       r"\bar x_{a:b} = \bar r")
_unary("index", "IndexBackward0", lambda x, index: x[index], _scatter_basic, (),
       "result = self[indices]", r"r = x_{I}", "grad_self = zeros with grad added at indices",
       r"\bar x_{I} \mathrel{+}= \bar r")


def _copy_slices_self(m, g, s, a):
    mask = np.ones(a["shape"], dtype=_data(g).dtype)
    mask[a["index"]] = 0
    return g * m.constant(mask)


_op("copy_slices", "CopySlices", ("self", "src"),
    lambda x, v, index: _assign(x, index, v),
    (_copy_slices_self, lambda m, g, s, a: g[a["index"]] if m is not NUMPY else g[a["index"]]),
    ((), ()),
    "self[index] = src", r"x_{I} \leftarrow v",
    ("grad_self = grad with zeros at index", "grad_src = grad[index]"),
    (r"\bar x = \bar r,\ \bar x_I = 0", r"\bar v = \bar r_I"))


def _assign(x, index, v):
    out = np.array(x, copy=True)
    out[index] = v
    return out


# ---------------------------------------------------------------- linear algebra
def _check_mm(x, y):
    if x.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if y.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and {y.shape[0]}x{y.shape[1]})")
    return np.matmul(x, y)


_op("mm", "MmBackward0", ("self", "mat2"), _check_mm,
    (lambda m, g, s, a: m.matmul(g, m.transpose(s["mat2"])), lambda m, g, s, a: m.matmul(m.transpose(s["self"]), g)),
    (("mat2",), ("self",)),
    "result = self @ mat2", r"R = X W",
    ("grad_self = grad @ mat2ᵀ", "grad_mat2 = selfᵀ @ grad"), (r"\bar X = \bar R W^{\top}", r"\bar W = X^{\top} \bar R"))


def _check_mv(x, v):
    if x.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {v.ndim}, {x.ndim}, {v.ndim}")
    if x.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({x.shape[0]}), mat ({x.shape[0]}x{x.shape[1]}), vec ({v.shape[0]})")
    return np.matmul(x, v)


_op("mv", "MvBackward0", ("self", "vec"), _check_mv,
    (lambda m, g, s, a: m.outer(g, s["vec"]), lambda m, g, s, a: m.matmul(m.transpose(s["self"]), g)),
    (("vec",), ("self",)),
    "result = self @ vec", r"r = A v",
    ("grad_self = outer(grad, vec)", "grad_vec = selfᵀ @ grad"), (r"\bar A = \bar r\, v^{\top}", r"\bar v = A^{\top} \bar r"))


def _check_dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(
            "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of elements, "
            "but got %d and %d elements respectively" % (x.shape[0], y.shape[0], x.shape[0], y.shape[0]))
    return np.dot(x, y)


_op("dot", "DotBackward0", ("self", "other"), _check_dot,
    (lambda m, g, s, a: g * s["other"], lambda m, g, s, a: g * s["self"]),
    (("other",), ("self",)),
    "result = Σ self * other", r"r = x \cdot y", ("grad_self = grad * other", "grad_other = grad * self"),
    (r"\bar x = \bar r\, y", r"\bar y = \bar r\, x"))


# ---------------------------------------------------------------- losses and activations of nn.functional
def _reduce(loss, reduction):
    if reduction == "mean":
        return np.mean(loss, dtype=loss.dtype)
    if reduction == "sum":
        return np.sum(loss, dtype=loss.dtype)
    return loss


def _reduced_grad(m, g, shape, reduction):
    if reduction == "none":
        return g
    n = int(np.prod(shape)) if reduction == "mean" else 1
    return m.expand(g / n if n != 1 else g, shape)


def _bce_logits_fwd(x, y, weight=None, pos_weight=None, reduction="mean"):
    y = np.asarray(y, dtype=x.dtype)
    max_val = np.maximum(-x, 0)
    softplus_neg = np.log(np.exp(-max_val) + np.exp(-x - max_val)) + max_val  # log(1 + e^-x), stable
    if pos_weight is not None:
        loss = (1 - y) * x + ((pos_weight - 1) * y + 1) * softplus_neg
    else:
        loss = (1 - y) * x + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_logits_self(m, g, s, a):
    x, y = s["self"], s["target"]
    pw, w = a.get("pos_weight"), a.get("weight")
    if pw is None:
        d = m.sigmoid(x) - y
    else:
        d = ((pw - 1) * y + 1) * m.sigmoid(x) - pw * y
    if w is not None:
        d = d * w
    return _reduced_grad(m, g, _shape(x), a.get("reduction", "mean")) * d


def _bce_logits_target(m, g, s, a):
    x = s["self"]
    pw, w = a.get("pos_weight"), a.get("weight")
    d = -x if pw is None else -x + (pw - 1) * m.log(1 + m.exp(-x))
    if w is not None:
        d = d * w
    return _reduced_grad(m, g, _shape(x), a.get("reduction", "mean")) * d


_op("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0", ("self", "target"),
    _bce_logits_fwd, (_bce_logits_self, _bce_logits_target), (("self", "target"), ("self",)),
    "result = mean(-(target·log σ(self) + (1-target)·log(1-σ(self))))",
    r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln\sigma(z_i) + (1-y_i)\ln(1-\sigma(z_i))\right]",
    ("grad_self = grad * (σ(self) - target) / n", "grad_target = -grad * self / n"),
    (r"\bar z_i = \frac{\bar\ell}{n}(\sigma(z_i) - y_i)", r"\bar y_i = -\frac{\bar\ell}{n} z_i"))


def _bce_fwd(x, y, weight=None, reduction="mean"):
    if np.any((x < 0) | (x > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    y = np.asarray(y, dtype=x.dtype)
    with np.errstate(divide="ignore"):
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
    loss = -(y * log_x + (1 - y) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_self(m, g, s, a):
    x, y = s["self"], s["target"]
    xd = _data(x)
    denom = m.constant(np.maximum((1 - xd) * xd, 1e-12).astype(xd.dtype))
    d = (x - y) / denom
    if a.get("weight") is not None:
        d = d * a["weight"]
    return _reduced_grad(m, g, _shape(x), a.get("reduction", "mean")) * d


_op("binary_cross_entropy", "BinaryCrossEntropyBackward0", ("self", "target"), _bce_fwd,
    (_bce_self, None), (("self", "target"), ()),
    "result = mean(-(target·log(self) + (1-target)·log(1-self)))",
    r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln p_i + (1-y_i)\ln(1-p_i)\right]",
    ("grad_self = grad * (self - target) / (self·(1-self)) / n", "not differentiable"),
    (r"\bar p_i = \frac{\bar\ell}{n}\frac{p_i - y_i}{p_i(1-p_i)}", r"\text{n/a}"),
    not_implemented={"target": "the derivative for 'target' is not implemented."})


def _mse_fwd(x, y, reduction="mean"):
    d = x - y
    return _reduce(d * d, reduction)


def _mse_grad(m, g, s, a):
    return _reduced_grad(m, g, np.broadcast_shapes(_shape(s["self"]), _shape(s["target"])),
                         a.get("reduction", "mean")) * (2 * (s["self"] - s["target"]))


_op("mse_loss", "MseLossBackward0", ("self", "target"), _mse_fwd,
    (_mse_grad, lambda m, g, s, a: -_mse_grad(m, g, s, a)), (("self", "target"), ("self", "target")),
    "result = mean((self - target)²)", r"\ell = \frac{1}{n}\sum_i (x_i - y_i)^2",
    ("grad_self = grad * 2(self - target) / n", "grad_target = -grad * 2(self - target) / n"),
    (r"\bar x_i = \frac{2\bar\ell}{n}(x_i - y_i)", r"\bar y_i = -\frac{2\bar\ell}{n}(x_i - y_i)"))


def _softmax_fwd(x, dim):
    e = np.exp(x - np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _log_softmax_fwd(x, dim):
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))


_unary("softmax", "SoftmaxBackward0", _softmax_fwd,
       lambda m, g, s, a: s["result"] * (g - m.sum(g * s["result"], a["dim"], True)), ("result",),
       "result = exp(self) / Σ exp(self) over dim", r"r_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
       "grad_self = result * (grad - Σ grad·result)", r"\bar x = r \odot (\bar r - \langle \bar r, r \rangle)")
_unary("log_softmax", "LogSoftmaxBackward0", _log_softmax_fwd,
       lambda m, g, s, a: g - m.exp(s["result"]) * m.sum(g, a["dim"], True), ("result",),
       "result = self - log Σ exp(self) over dim", r"r_i = x_i - \ln\sum_j e^{x_j}",
       "grad_self = grad - exp(result) * Σ grad", r"\bar x = \bar r - e^{r} \sum_j \bar r_j")


def _nll_parts(target, shape, weight, ignore_index):
    t = np.asarray(target)
    valid = t != ignore_index
    safe_t = np.where(valid, t, 0)
    w = np.ones(shape[1] if len(shape) > 1 else shape[0]) if weight is None else np.asarray(weight)
    wt = np.where(valid, w[safe_t], 0.0)
    return safe_t, wt


def _nll_index(shape, safe_t):
    if len(shape) == 1:
        return (safe_t,)
    return (np.arange(shape[0]), safe_t)


def _nll_fwd(x, target, weight=None, reduction="mean", ignore_index=-100):
    safe_t, wt = _nll_parts(target, x.shape, weight, ignore_index)
    picked = -x[_nll_index(x.shape, safe_t)] * wt.astype(x.dtype)
    if reduction == "mean":
        return np.asarray(picked.sum() / wt.sum(), dtype=x.dtype)
    if reduction == "sum":
        return np.asarray(picked.sum(), dtype=x.dtype)
    return picked


def _nll_vjp(m, g, s, a):
    shape = a["shape"]
    safe_t, wt = _nll_parts(a["target"], shape, a.get("weight"), a.get("ignore_index", -100))
    dtype = np.dtype(a["dtype"])
    scale = -wt.astype(dtype)
    if a.get("reduction", "mean") == "mean":
        scale = scale / wt.sum()
    values = g * m.constant(scale.astype(dtype))
    return m.scatter_add(shape, _nll_index(shape, safe_t), values, m.constant(np.zeros((), dtype)))


_unary("nll_loss", "NllLossBackward0", _nll_fwd, _nll_vjp, (),
       "result = mean(-self[i, target_i])", r"\ell = -\frac{1}{n}\sum_i x_{i, y_i}",
       "grad_self = -grad / n at each target", r"\bar x_{i,y_i} = -\frac{\bar\ell}{n}")
