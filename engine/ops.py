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

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._native import kernels
from .vjp_math import _data, matmul_in_order

# numpy's types as module globals: a compiled module looks a global up from a cache, `np.ndarray` every time
_ndarray = np.ndarray
_float32, _float64 = np.float32, np.float64
_np_add, _np_multiply = np.add, np.multiply

# C loops replaying some of the numpy code below on small arrays, the same bits (engine/_kernels.pyx); None
# where they are not compiled
_K = kernels()


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
    plans: dict = field(default_factory=dict, repr=False)  # engine.tensor's cache: what a node saves, per mask
    # the forward called without attributes, where a C function computes the same (add: operator.add, not a
    # Python function that checks alpha); defaults to `forward`
    plain_forward: Callable | None = field(default=None, repr=False)

    binary_run: Callable | None = field(default=None, repr=False)  # engine.tensor's two-operand apply, cached
    unary_run: Callable | None = field(default=None, repr=False)  # and its one-operand apply

    def __post_init__(self):
        if self.plain_forward is None:
            object.__setattr__(self, "plain_forward", self.forward)

    def saved_names(self, needs: tuple[bool, ...]) -> tuple[str, ...]:
        """What must be kept for the inputs that need a gradient (PyTorch saves nothing more)."""
        names: list[str] = []
        for need, wanted in zip(needs, self.saves):
            if need:
                names.extend(n for n in wanted if n not in names)
        return tuple(names)


REGISTRY: dict[str, OpSpec] = {}


def _op(name, grad_fn, inputs, forward, vjps, saves, formula, latex, backward, backward_latex,
        **kw) -> OpSpec:
    spec = OpSpec(
        name, grad_fn, tuple(inputs), forward, tuple(vjps), tuple(tuple(s) for s in saves), formula, latex,
        tuple(backward), tuple(backward_latex), **kw,
    )
    assert len(spec.vjps) == len(spec.inputs) == len(spec.saves) == len(spec.backward_formulas), name
    REGISTRY[name] = spec
    return spec


def _unary(name, grad_fn, forward, vjp, saves, formula, latex, backward, backward_latex):
    return _op(name, grad_fn, ("self",), forward, (vjp,), (saves,), formula, latex, (backward,),
               (backward_latex,))


# ---------------------------------------------------------------- elementwise arithmetic
def add_scaled(x, y, alpha):
    """x + alpha * y rounded once, as PyTorch's fused multiply-add kernel does (its optimizers too)."""
    dtype = np.result_type(x, y)
    if dtype == np.float32:
        wide = np.float64(np.float32(alpha)) * np.asarray(y, np.float64) + np.asarray(x, np.float64)
    elif dtype == np.float64:
        wide = np.longdouble(alpha) * np.asarray(y, np.longdouble) + np.asarray(x, np.longdouble)
    else:
        return x + alpha * y
    return wide.astype(dtype)


def _add_fwd(x, y, alpha=1):
    return x + y if alpha == 1 else add_scaled(x, y, alpha)


def _sub_fwd(x, y, alpha=1):
    return x - y if alpha == 1 else add_scaled(x, y, -alpha)


_op("add", "AddBackward0", ("self", "other"), _add_fwd,
    (lambda m, g, s, a: g, lambda m, g, s, a: g if a.get("alpha", 1) == 1 else g * a["alpha"]),
    ((), ()),
    "result = self + alpha·other", r"r = x + \alpha y",
    ("grad_self = grad", "grad_other = alpha·grad"), (r"\bar x = \bar r", r"\bar y = \alpha \bar r"),
    plain_forward=operator.add)
def negated_grad(m, g, s, a):
    """grad_other of `self - other`: -grad (the backward engine may fold the minus into a later sum)."""
    return -g if a.get("alpha", 1) == 1 else g * -a["alpha"]


_op("sub", "SubBackward0", ("self", "other"), _sub_fwd,
    (lambda m, g, s, a: g, negated_grad),
    ((), ()),
    "result = self - alpha·other", r"r = x - \alpha y",
    ("grad_self = grad", "grad_other = -alpha·grad"), (r"\bar x = \bar r", r"\bar y = -\alpha \bar r"),
    plain_forward=operator.sub)
_unary("rsub", "RsubBackward1",
       lambda x, other, alpha=1: other - x if alpha == 1 else add_scaled(other, x, -alpha),
       lambda m, g, s, a: -g if a.get("alpha", 1) == 1 else -g * a["alpha"], (),
       "result = other - alpha·self", r"r = c - \alpha x",
       "grad_self = -grad·alpha", r"\bar x = -\alpha \bar r")
_op("mul", "MulBackward0", ("self", "other"), operator.mul,
    (lambda m, g, s, a: g * s["other"], lambda m, g, s, a: g * s["self"]),
    (("other",), ("self",)),
    "result = self * other", r"r = x \cdot y",
    ("grad_self = grad * other", "grad_other = grad * self"),
    (r"\bar x = \bar r \cdot y", r"\bar y = \bar r \cdot x"))
_op("div", "DivBackward0", ("self", "other"), operator.truediv,
    (lambda m, g, s, a: g / s["other"], lambda m, g, s, a: -g * ((s["self"] / s["other"]) / s["other"])),
    (("other",), ("self", "other")),
    "result = self / other", r"r = \frac{x}{y}",
    ("grad_self = grad / other", "grad_other = -grad * ((self / other) / other)"),
    (r"\bar x = \frac{\bar r}{y}", r"\bar y = -\frac{\bar r\, x}{y^2}"))
_unary("mul_scalar", "MulBackward1", lambda x, other: x * other, lambda m, g, s, a: g * a["other"], (),
       "result = self * other (a number)", r"r = c\,x", "grad_self = grad * other", r"\bar x = c\,\bar r")


def _remainder_fwd(x, other):
    """PyTorch's remainder: the sign of the divisor (Python's %), which numpy's mod shares."""
    return np.mod(x, other)


_unary("remainder_scalar", "RemainderBackward0", _remainder_fwd, lambda m, g, s, a: g, (),
       "result = self - other·floor(self / other) (a number)", r"r = x - c\lfloor x / c \rfloor",
       "grad_self = grad", r"\bar x = \bar r")
_op("remainder", "RemainderBackward1", ("self", "other"), _remainder_fwd,
    (lambda m, g, s, a: g,
     lambda m, g, s, a: -g * _floor_quotient(m, s["self"], s["other"])),
    ((), ("self", "other")),
    "result = self - other·floor(self / other)", r"r = x - y\lfloor x / y \rfloor",
    ("grad_self = grad", "grad_other = -grad * floor(self / other)"),
    (r"\bar x = \bar r", r"\bar y = -\bar r \lfloor x / y \rfloor"))


def _floor_quotient(m, x, y):
    if m.differentiable:
        import engine

        return engine.div(x, y, rounding_mode="floor").detach()
    return np.floor_divide(x, y)


_unary("sub_scalar", "SubBackward1", lambda x, other: x - other, lambda m, g, s, a: g, (),
       "result = self - other (a number)", r"r = x - c", "grad_self = grad", r"\bar x = \bar r")


def _times(m, number, t):
    """number * t as PyTorch's derivative formulas write it (a Scalar: MulBackward1 under create_graph)."""
    if m.differentiable:
        import engine

        return engine.apply_op("mul_scalar", t, other=number)
    return number * t


def _minus(m, t, number):
    """t - number as a derivative formula writes it (SubBackward1 under create_graph)."""
    if m.differentiable:
        import engine

        return engine.apply_op("sub_scalar", t, other=number)
    return t - number


def _over(m, t, number):
    """t / number as a derivative formula writes it (DivBackward1 under create_graph)."""
    if m.differentiable:
        import engine

        return engine.apply_op("div_scalar", t, other=number)
    return t / number


_unary("div_scalar", "DivBackward1", lambda x, other: x / other, lambda m, g, s, a: g / a["other"], (),
       "result = self / other (a number)", r"r = \frac{x}{c}",
       "grad_self = grad / other", r"\bar x = \frac{\bar r}{c}")
_unary("neg", "NegBackward0", operator.neg, lambda m, g, s, a: -g, (),
       "result = -self", r"r = -x", "grad_self = -grad", r"\bar x = -\bar r")
_unary("reciprocal", "ReciprocalBackward0", lambda x: 1 / x,
       lambda m, g, s, a: -g * (s["result"] * s["result"]), ("result",),
       "result = 1 / self", r"r = \frac{1}{x}", "grad_self = -grad * result²", r"\bar x = -\bar r\, r^2")


_square = np.square


def power_scalar(x, exponent):
    """x ** e for a number e, with PyTorch's shortcuts (they differ from `np.power` in the last bit)."""
    if exponent == 2:
        # np.square is the same correctly rounded product as x * x, a quarter faster on a 200x200 float array
        # (it reads the operand once); numpy scalars multiply faster than a ufunc call
        return _square(x) if type(x) is _ndarray and x.dtype.kind == "f" else x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return np.sqrt(x)
    if exponent == -0.5:
        return 1 / np.sqrt(x)
    if exponent == -1:
        return 1 / x
    if exponent == -2:
        return 1 / (x * x)
    if exponent == 1:
        return np.array(x, copy=True)
    dtype = getattr(x, "dtype", None)
    if dtype is not None and dtype.kind == "f":
        return np.power(x, dtype.type(exponent))
    return np.power(x, exponent)


def _pow_scalar_vjp(m, g, s, a):
    e = a["exponent"]
    if e == 0:
        return m.zeros(_shape(s["self"]), g)
    x = s["self"]
    if not m.differentiable:
        # self.pow(1) is self itself, which spares the squares (the most common power) an element-wise pow
        if e == 2 and type(x) is _ndarray and x.dtype.kind == "f":
            # 2 * x is x + x to the bit (both exact), without a scalar to cast: the commonest power's rule
            return times_fresh(g, _np_add(x, x))
        local = x if e == 2 else power_scalar(x, e - 1)
        if type(local) is _ndarray and local.dtype.kind == "f":
            # (the exponent cast to the array's dtype here, as numpy would, but without its 0.7 us per call)
            return times_fresh(g, np.multiply(local.dtype.type(e), local, out=None if local is x else local))
        return g * (e * local)
    # PyTorch: grad * (exponent * self.pow(exponent - 1)); a Scalar product, so MulBackward1 then PowBackward0
    return g * _times(m, e, x ** (e - 1))


_unary("pow", "PowBackward0", power_scalar, _pow_scalar_vjp, ("self",),
       "result = self ** exponent", r"r = x^{p}",
       "grad_self = grad * exponent * self ** (exponent - 1)", r"\bar x = \bar r\, p\, x^{p-1}")


def _pow_self_vjp(m, g, s, a):
    # PyTorch: where(exponent == 0, 0, grad * (exponent * self ** (exponent - 1)))
    e = s["exponent"]
    return m.where(_data(e) == 0, m.zeros((), g), g * (e * s["self"] ** _minus(m, e, 1)))


def _pow_exponent_vjp(m, g, s, a):
    # PyTorch: grad * where(self == 0 and exponent >= 0, 0, result * log(self)); no nan from log(0)
    x, e = _data(s["self"]), _data(s["exponent"])
    return g * m.where((x == 0) & (e >= 0), m.zeros((), g), s["result"] * exact(m).log(s["self"]))


_op("pow_tensor", "PowBackward1", ("self", "exponent"), np.power,
    (_pow_self_vjp, _pow_exponent_vjp),
    (("self", "exponent"), ("self", "exponent", "result")),
    "result = self ** exponent", r"r = x^{y}",
    ("grad_self = grad * exponent * self ** (exponent - 1)", "grad_exponent = grad * result * log(self)"),
    (r"\bar x = \bar r\, y\, x^{y-1}", r"\bar y = \bar r\, r \ln x"))
_unary("rpow", "PowBackward2", lambda x, base: np.power(base, x),
       lambda m, g, s, a: g * _times(m, float(np.log(a["base"])), s["result"]), ("result",),
       "result = base ** self", r"r = c^{x}",
       "grad_self = grad * result * log(base)", r"\bar x = \bar r\, r \ln c")

# ---------------------------------------------------------------- elementwise functions
# Reproducing PyTorch's float32 rounding exactly costs extra passes (a float64 detour for exp/log/tanh, sums
# in PyTorch's lane order). Lessons print small tensors, where every last bit can show (`f"{loss}"` prints
# 17 digits), so tensors up to this many elements get the exact path; larger ones (an MLP layer, a 200x200
# loss surface) take numpy's float32 kernels, which differ from PyTorch by at most a unit in the last place
# and keep the engine within its speed goals (measured: tanh on 64x128 18 us exact vs 3 us numpy). Full sums
# are the exception where the C kernels are compiled: their loop in PyTorch's order is faster than np.sum at any
# size (a 200x200 float32 sum: 2.5 us vs 5.9), so it serves them all (`_kernel_total`).
EXACT_ROUNDING_MAX = 4096


def _float32_via_float64(fn, scalar_fn, wrap=False):
    """PyTorch's float32 exp/log/tanh/... are correctly rounded far more often than numpy's float32 loops;
    rounding the float64 result reproduces PyTorch's values (numpy's float32 ones differ in the last bit for
    about 30% of inputs). Numpy scalars (0-d tensors) take the `math` function: the same values, faster.
    `wrap`: a numpy scalar's result comes back as the 0-d array a tensor holds (the registry's forwards: one
    conversion instead of a numpy scalar wrapped afterwards)."""
    out = np.array if wrap else (lambda value: value)
    code = None if _K is None else _KERNEL_CODES.get(fn)

    def forward(x):
        kind = type(x)
        if kind is np.float32:
            try:
                return np.array(scalar_fn(x), np.float32) if wrap else np.float32(scalar_fn(x))
            except (ValueError, OverflowError):  # math raises where numpy returns nan or inf
                return out(np.float32(fn(np.float64(x))))
        if kind is np.float64:
            try:
                return np.array(scalar_fn(x), np.float64) if wrap else np.float64(scalar_fn(x))
            except (ValueError, OverflowError):
                return out(fn(x))
        if getattr(x, "dtype", None) == np.float32 and x.size <= EXACT_ROUNDING_MAX:
            if code is not None and kind is _ndarray and x.flags.c_contiguous and _K is not None:
                result = _K.unary_f32(x, code)  # (the same roundings in one C loop; None: a nan, numpy's)
                if result is not None:
                    return result
            return fn(x.astype(np.float64)).astype(np.float32)
        return fn(x)

    forward.__name__ = fn.__name__
    return forward


_KERNEL_CODES = {} if _K is None else {np.exp: _K.EXP, np.log: _K.LOG, np.tanh: _K.TANH, np.sin: _K.SIN,
                                       np.cos: _K.COS, np.log1p: _K.LOG1P}


exp_f = _float32_via_float64(np.exp, math.exp)
log_f = _float32_via_float64(np.log, math.log)
tanh_f = _float32_via_float64(np.tanh, math.tanh)
sin_f = _float32_via_float64(np.sin, math.sin)
cos_f = _float32_via_float64(np.cos, math.cos)
log1p_f = _float32_via_float64(np.log1p, math.log1p)
_exp_op, _log_op, _tanh_op, _sin_op, _cos_op = (_float32_via_float64(fn, scalar_fn, wrap=True) for fn, scalar_fn in (
    (np.exp, math.exp), (np.log, math.log), (np.tanh, math.tanh), (np.sin, math.sin), (np.cos, math.cos)))


def call_rule(m, name, *args, **attrs):
    """A derivative that PyTorch computes with an op of its own (tanh_backward, ...): a plain numpy call, or
    create_graph the registry op, so the gradient's grad_fn reads `TanhBackwardBackward0` as in PyTorch."""
    if m.differentiable:
        import engine

        return engine.apply_op(name, *args, **attrs)
    return REGISTRY[name].forward(*args, **attrs)


def _zero_grad(m, g, s, a):
    """The gradient of a piecewise-constant op (sign, floor, ...): zeros, as PyTorch's formulas give."""
    return m.zeros(_shape(g), g)


def _sign_fwd(x):
    """np.sign, except that PyTorch's sign of nan is 0."""
    out = np.sign(x)
    if getattr(out, "dtype", None) is not None and out.dtype.kind == "f":
        out = np.where(out != out, out.dtype.type(0), out)  # (np.where also turns a numpy scalar into a 0-d array)
    return out


_unary("sgn", "SgnBackward0", _sign_fwd, _zero_grad, (),
       "result = sign(self)", r"r = \operatorname{sign}(x)", "grad_self = 0", r"\bar x = 0")


_unary("sign", "SignBackward0", _sign_fwd, _zero_grad, (),
       "result = sign(self)", r"r = \operatorname{sign}(x)", "grad_self = 0", r"\bar x = 0")


def _round_fwd(x, decimals=None):
    """PyTorch's round: half to even; with decimals, x * 10**decimals rounded and divided back, in x's dtype."""
    if decimals is None:
        return np.rint(x)
    scale = np.asarray(x).dtype.type(10.0 ** abs(decimals))
    return np.rint(x / scale) * scale if decimals < 0 else np.rint(x * scale) / scale


for _name, _fn, _text, _latex in (("floor", np.floor, "floor(self)", r"\lfloor x \rfloor"),
                                  ("ceil", np.ceil, "ceil(self)", r"\lceil x \rceil"),
                                  ("trunc", np.trunc, "trunc(self)", r"\operatorname{trunc}(x)")):
    _unary(_name, f"{_name.capitalize()}Backward0", _fn, _zero_grad, (), f"result = {_text}", f"r = {_latex}",
           "grad_self = 0", r"\bar x = 0")
_unary("round", "RoundBackward0", _round_fwd, _zero_grad, (), "result = round(self) (half to even)",
       r"r = \operatorname{round}(x)", "grad_self = 0", r"\bar x = 0")
_unary("round_decimals", "RoundBackward1", _round_fwd, _zero_grad, (),
       "result = round(self · 10^decimals) / 10^decimals", r"r = \operatorname{round}(10^{d} x) / 10^{d}",
       "grad_self = 0", r"\bar x = 0")
_unary("frac", "FracBackward0", lambda x: x - np.trunc(x), lambda m, g, s, a: g, (),
       "result = self - trunc(self)", r"r = x - \operatorname{trunc}(x)", "grad_self = grad", r"\bar x = \bar r")


def _sgn(m, x):
    if m.differentiable:
        import engine

        return engine.apply_op("sgn", x)
    return _sign_fwd(x)


_unary("abs", "AbsBackward0", np.abs, lambda m, g, s, a: g * _sgn(m, s["self"]), ("self",),
       "result = |self|", r"r = |x|",
       "grad_self = grad * sign(self)", r"\bar x = \bar r\, \operatorname{sign}(x)")
_unary("exp", "ExpBackward0", _exp_op, lambda m, g, s, a: g * s["result"], ("result",),
       "result = exp(self)", r"r = e^{x}", "grad_self = grad * result", r"\bar x = \bar r\, r")
_unary("log", "LogBackward0", _log_op, lambda m, g, s, a: g / s["self"], ("self",),
       "result = log(self)", r"r = \ln x", "grad_self = grad / self", r"\bar x = \frac{\bar r}{x}")
_unary("sqrt", "SqrtBackward0", np.sqrt, lambda m, g, s, a: g / _times(m, 2, s["result"]), ("result",),
       "result = sqrt(self)", r"r = \sqrt{x}",
       "grad_self = grad / (2 * result)", r"\bar x = \frac{\bar r}{2r}")
_unary("sin", "SinBackward0", _sin_op, lambda m, g, s, a: g * exact(m).cos(s["self"]), ("self",),
       "result = sin(self)", r"r = \sin x", "grad_self = grad * cos(self)", r"\bar x = \bar r \cos x")
_unary("cos", "CosBackward0", _cos_op, lambda m, g, s, a: g * -exact(m).sin(s["self"]), ("self",),
       "result = cos(self)", r"r = \cos x", "grad_self = grad * -sin(self)", r"\bar x = -\bar r \sin x")
_unary("tanh", "TanhBackward0", _tanh_op,
       # (call_rule's numpy case written out: tanh chains are the scalar benchmark's hottest backward)
       lambda m, g, s, a: call_rule(m, "tanh_backward", g, s["result"]) if m.differentiable
       else _tanh_backward_fwd(g, s["result"]),
       ("result",),
       "result = tanh(self)", r"r = \tanh x",
       "grad_self = grad * (1 - result²)", r"\bar x = \bar r (1 - r^2)")


# ---------------------------------------------------------------- more element-wise functions learners reach for
# Forwards rounded from float64 as exp/log above; backwards are PyTorch's derivatives.yaml formulas term by term.
_log1p_op, _expm1_op, _log2_op, _log10_op, _exp2_op, _sinh_op, _cosh_op, _tan_op, _asin_op, _acos_op, \
    _atan_op = (_float32_via_float64(fn, scalar_fn, wrap=True) for fn, scalar_fn in (
        (np.log1p, math.log1p), (np.expm1, math.expm1), (np.log2, math.log2), (np.log10, math.log10),
        (np.exp2, lambda v: 2.0 ** v), (np.sinh, math.sinh), (np.cosh, math.cosh), (np.tan, math.tan),
        (np.arcsin, math.asin), (np.arccos, math.acos), (np.arctan, math.atan)))
_LN2, _LN10 = 0.6931471805599453, 2.3025850929940456


def _rsqrt_fwd(x):
    # PyTorch's kernel: 1 / sqrt(x), each step rounded in the tensor's dtype
    return np.asarray(np.divide(np.asarray(x).dtype.type(1), np.sqrt(x)))


def _same_op(m, name, fn, x):
    """PyTorch's `self.<name>()` inside a derivative: the engine op under create_graph, else the forward."""
    return getattr(m, name)(x) if m.differentiable else np.asarray(fn(x))


def _power(m, r, exponent):
    """r.pow(exponent) in a derivative (PowBackward0 under create_graph; x * x * x for a cube, as PyTorch)."""
    return r ** exponent if m.differentiable else power_scalar(r, exponent)


def _unit_rsqrt(m, x):
    """(-self * self + 1).rsqrt(), the derivative of asin and acos."""
    return _same_op(m, "rsqrt", _rsqrt_fwd, -x * x + 1)


_unary("log1p", "Log1PBackward0", _log1p_op, lambda m, g, s, a: g / (s["self"] + 1), ("self",),
       "result = log(1 + self)", r"r = \ln(1 + x)", "grad_self = grad / (self + 1)",
       r"\bar x = \frac{\bar r}{x + 1}")
_unary("expm1", "Expm1Backward0", _expm1_op, lambda m, g, s, a: g * (s["result"] + 1), ("result",),
       "result = exp(self) - 1", r"r = e^{x} - 1", "grad_self = grad * (result + 1)", r"\bar x = \bar r\,(r + 1)")
_unary("log2", "Log2Backward0", _log2_op, lambda m, g, s, a: g / _times(m, _LN2, s["self"]), ("self",),
       "result = log2(self)", r"r = \log_2 x", "grad_self = grad / (self * ln 2)",
       r"\bar x = \frac{\bar r}{x \ln 2}")
_unary("log10", "Log10Backward0", _log10_op, lambda m, g, s, a: g / _times(m, _LN10, s["self"]), ("self",),
       "result = log10(self)", r"r = \log_{10} x", "grad_self = grad / (self * ln 10)",
       r"\bar x = \frac{\bar r}{x \ln 10}")
_unary("exp2", "Exp2Backward0", _exp2_op, lambda m, g, s, a: _times(m, _LN2, g * s["result"]), ("result",),
       "result = 2 ** self", r"r = 2^{x}", "grad_self = grad * result * ln 2", r"\bar x = \bar r\, r \ln 2")
_unary("sinh", "SinhBackward0", _sinh_op, lambda m, g, s, a: g * _same_op(m, "cosh", _cosh_op, s["self"]),
       ("self",), "result = sinh(self)", r"r = \sinh x", "grad_self = grad * cosh(self)",
       r"\bar x = \bar r \cosh x")
_unary("cosh", "CoshBackward0", _cosh_op, lambda m, g, s, a: g * _same_op(m, "sinh", _sinh_op, s["self"]),
       ("self",), "result = cosh(self)", r"r = \cosh x", "grad_self = grad * sinh(self)",
       r"\bar x = \bar r \sinh x")
_unary("tan", "TanBackward0", _tan_op, lambda m, g, s, a: g * (_power(m, s["result"], 2) + 1), ("result",),
       "result = tan(self)", r"r = \tan x", "grad_self = grad * (1 + result²)", r"\bar x = \bar r\,(1 + r^2)")
_unary("asin", "AsinBackward0", _asin_op, lambda m, g, s, a: g * _unit_rsqrt(m, s["self"]), ("self",),
       "result = asin(self)", r"r = \arcsin x", "grad_self = grad / sqrt(1 - self²)",
       r"\bar x = \frac{\bar r}{\sqrt{1 - x^2}}")
_unary("acos", "AcosBackward0", _acos_op, lambda m, g, s, a: g * -_unit_rsqrt(m, s["self"]), ("self",),
       "result = acos(self)", r"r = \arccos x", "grad_self = -grad / sqrt(1 - self²)",
       r"\bar x = -\frac{\bar r}{\sqrt{1 - x^2}}")
_unary("atan", "AtanBackward0", _atan_op, lambda m, g, s, a: g / (s["self"] * s["self"] + 1), ("self",),
       "result = atan(self)", r"r = \arctan x", "grad_self = grad / (self² + 1)",
       r"\bar x = \frac{\bar r}{x^2 + 1}")
_unary("rsqrt", "RsqrtBackward0", _rsqrt_fwd, lambda m, g, s, a: _times(m, -0.5, g) * _power(m, s["result"], 3),
       ("result",), "result = 1 / sqrt(self)", r"r = \frac{1}{\sqrt{x}}", "grad_self = -0.5 * grad * result³",
       r"\bar x = -\tfrac{1}{2}\,\bar r\, r^3")


def times_fresh(g, fresh):
    """g * fresh, written over `fresh` (an array the caller just made, held by nobody else) when the product
    has its shape and dtype: the same values, one array fewer to allocate and fill."""
    if type(fresh) is _ndarray and getattr(g, "dtype", None) is fresh.dtype:
        if not g.ndim:
            # the gradient of a sum or mean's root: 1 * x is x, bit for bit (compared as a Python float: a
            # numpy comparison costs a ufunc call)
            return fresh if g.item() == 1 else _np_multiply(g, fresh, out=fresh)
        if g.shape == fresh.shape:
            return _np_multiply(g, fresh, out=fresh)
    return g * fresh


def _tanh_backward_fwd(g, y):
    squares = y * y
    if type(squares) is not _ndarray:  # numpy scalars (0-d tensors)
        return g * (1 - squares)
    return times_fresh(g, np.subtract(squares.dtype.type(1), squares, out=squares))  # (see binary_runner's cast)


_op("tanh_backward", "TanhBackwardBackward0", ("grad_output", "output"), _tanh_backward_fwd,
    (lambda m, g, s, a: call_rule(m, "tanh_backward", g, s["output"]),
     lambda m, g, s, a: g * (-2 * s["output"] * s["grad_output"])),
    (("output",), ("grad_output", "output")),
    "result = grad_output * (1 - output²)", r"r = \bar y (1 - y^2)",
    ("grad_grad_output = grad * (1 - output²)", "grad_output = grad * (-2 * output * grad_output)"),
    (r"\bar{\bar y} = \bar r (1 - y^2)", r"\bar y = -2 \bar r\, y\, \bar y"))


def _takes_kernel(x) -> bool:
    """Whether an element-wise float32 kernel replays the exact path for x (a small contiguous array)."""
    return (_K is not None and type(x) is _ndarray and x.dtype == _float32 and x.size <= EXACT_ROUNDING_MAX
            and x.flags.c_contiguous)


def _sigmoid_fwd(x):
    # PyTorch's formula as is: exp(-x) may overflow to inf, and 1 / inf is the 0 PyTorch prints
    if _takes_kernel(x):
        result = _K.sigmoid_f32(x)  # (None: a nan, left to numpy)
        if result is not None:
            return result
    e = exp_f(-x)
    if type(e) is _ndarray:  # a fresh array: both steps written over it, the 1 cast as numpy would cast it
        one = e.dtype.type(1)
        return np.divide(one, np.add(one, e, out=e), out=e)
    return 1 / (1 + e)


_unary("sigmoid", "SigmoidBackward0", _sigmoid_fwd,
       lambda m, g, s, a: call_rule(m, "sigmoid_backward", g, s["result"]),
       ("result",), "result = 1 / (1 + exp(-self))", r"r = \sigma(x) = \frac{1}{1+e^{-x}}",
       "grad_self = grad * (1 - result) * result", r"\bar x = \bar r\, (1 - r)\, r")
_op("sigmoid_backward", "SigmoidBackwardBackward0", ("grad_output", "output"), lambda g, y: g * (1 - y) * y,
    (lambda m, g, s, a: call_rule(m, "sigmoid_backward", g, s["output"]),
     lambda m, g, s, a: g * s["grad_output"] * (-2 * s["output"] + 1)),
    (("output",), ("grad_output", "output")),
    "result = grad_output * (1 - output) * output", r"r = \bar y (1 - y) y",
    ("grad_grad_output = grad * (1 - output) * output", "grad_output = grad * grad_output * (1 - 2·output)"),
    (r"\bar{\bar y} = \bar r (1 - y) y", r"\bar y = \bar r\, \bar y\, (1 - 2y)"))


class _ExactNumpy:
    """The functions VJP rules call, in the forms whose float32 results match PyTorch's (numpy's own float32
    exp and sum differ in the last bit); under create_graph the engine's ops are used instead."""

    exp, log, sin, cos = staticmethod(exp_f), staticmethod(log_f), staticmethod(sin_f), staticmethod(cos_f)

    @staticmethod
    def sigmoid(x):
        return _sigmoid_fwd(x)

    @staticmethod
    def sum(x, dim=None, keepdim=False):
        return torch_sum(x, dim, keepdim)


def exact(m):
    return m if m.differentiable else _ExactNumpy


def _zeros_where(m, cond, g):
    """g where `cond` is False, +0.0 where it is True (PyTorch masks with zeros, never with g * 0 = -0.0)."""
    return m.where(cond, m.zeros((), g), g)


_unary("relu", "ReluBackward0", lambda x: np.maximum(x, 0).astype(x.dtype, copy=False),
       lambda m, g, s, a: call_rule(m, "threshold_backward", g, s["result"], threshold=0), ("result",),
       "result = max(self, 0)", r"r = \max(x, 0)", "grad_self = grad where result > 0, else 0",
       r"\bar x = \bar r\, [r > 0]")
_op("threshold_backward", "ThresholdBackwardBackward0", ("grad_output", "self"),
    lambda g, x, threshold: np.where(x <= threshold, np.zeros((), g.dtype), g),
    (lambda m, g, s, a: call_rule(m, "threshold_backward", g, s["self"], threshold=a["threshold"]),
     lambda m, g, s, a: m.zeros(_shape(s["self"]), g)),
    (("self",), ("self",)),
    "result = grad_output where self > threshold, else 0", r"r = \bar y\, [x > t]",
    ("grad_grad_output = grad where self > threshold", "grad_self = 0"),
    (r"\bar{\bar y} = \bar r\, [x > t]", r"\bar x = 0"))


def _clamp_fwd(x, min=None, max=None):
    out = x
    if min is not None:
        out = np.maximum(out, min)
    if max is not None:
        out = np.minimum(out, max)
    return out.astype(x.dtype, copy=False) if isinstance(out, _ndarray) else out


def _clamp_outside(x, a):
    xd = _data(x)
    outside = np.zeros(np.shape(xd), dtype=bool)
    if a.get("min") is not None:
        outside |= ~(xd >= a["min"])
    if a.get("max") is not None:
        outside |= ~(xd <= a["max"])
    return outside


_unary("clamp", "ClampBackward1", _clamp_fwd,
       lambda m, g, s, a: _zeros_where(m, _clamp_outside(s["self"], a), g),
       ("self",), "result = min(max(self, min), max)", r"r = \min(\max(x, a), b)",
       "grad_self = grad where min ≤ self ≤ max, else 0", r"\bar x = \bar r\, [a \le x \le b]")


def _log_sigmoid_fwd(x):
    # PyTorch: min(x, 0) - log1p(exp(-|x|))
    if _takes_kernel(x):
        result = _K.log_sigmoid_f32(x)
        if result is not None:
            return result
    return np.minimum(x, 0) - log1p_f(exp_f(-np.abs(x)))


def _log_sigmoid_backward_fwd(g, x):
    # PyTorch's kernel: grad * (max_deriv - sign * z / (1 + z)), z = exp(-|x|),
    # (max_deriv, sign) = (1, 1) where x < 0, else (0, -1)
    z = exp_f(-np.abs(x))
    neg = x < 0
    dtype = np.result_type(x)
    local = np.where(neg, 1, 0).astype(dtype) - np.where(neg, 1, -1).astype(dtype) * (z / (1 + z))
    return g * local


def _log_sigmoid_double(m, g, s, a):
    # PyTorch's log_sigmoid_double_backward: grad * grad_output * (z - 1) * z, z = sigmoid(self)
    z = m.sigmoid(s["self"])
    return g * s["grad_output"] * (z - 1) * z


_op("log_sigmoid_backward", "LogSigmoidBackwardBackward0", ("grad_output", "self"), _log_sigmoid_backward_fwd,
    (lambda m, g, s, a: call_rule(m, "log_sigmoid_backward", g, s["self"]), _log_sigmoid_double),
    (("self",), ("grad_output", "self")),
    "result = grad_output * (1 - sigmoid(self))", r"r = \bar y\,(1 - \sigma(x))",
    ("grad_grad_output = grad * (1 - sigmoid(self))", "grad_self = grad * grad_output * (σ - 1) σ"),
    (r"\bar{\bar y} = \bar r (1 - \sigma(x))", r"\bar x = \bar r\, \bar y\, (\sigma - 1)\sigma"))


def _log_sigmoid_vjp(m, g, s, a):
    return call_rule(m, "log_sigmoid_backward", g, s["self"])


_unary("log_sigmoid", "LogSigmoidBackward0", _log_sigmoid_fwd, _log_sigmoid_vjp, ("self",),
       "result = log(sigmoid(self))", r"r = \ln \sigma(x)", "grad_self = grad * (1 - sigmoid(self))",
       r"\bar x = \bar r (1 - \sigma(x))")
_unary("clone", "CloneBackward0", lambda x: np.array(x, copy=True), lambda m, g, s, a: g, (),
       "result = self (a copy)", r"r = x", "grad_self = grad", r"\bar x = \bar r")
_unary("to_copy", "ToCopyBackward0", lambda x, dtype: np.asarray(x, dtype=dtype), lambda m, g, s, a: g, (),
       "result = self converted to dtype", r"r = x", "grad_self = grad (converted back)", r"\bar x = \bar r")


def _copy_fwd(x, src):
    out = np.empty_like(x)
    out[...] = src
    return out


_op("copy_", "CopyBackwards", ("self", "src"), _copy_fwd,
    (lambda m, g, s, a: m.zeros(_shape(g), g), lambda m, g, s, a: g),
    ((), ()),
    "self[...] = src", r"x \leftarrow y", ("grad_self = 0", "grad_src = grad"),
    (r"\bar x = 0", r"\bar y = \bar r"))


def _minmax_vjp(first, greater):
    """PyTorch: where(self == other, grad / 2, grad), zeroed where the input loses."""

    def vjp(m, g, s, a):
        x, y = _data(s["self"]), _data(s["other"])
        loses = (x < y) if first == greater else (x > y)
        return _zeros_where(m, loses, m.where(x == y, g / 2, g))

    return vjp


def _minmax_pair(name, grad_fn, fwd, greater):
    _op(name, grad_fn, ("self", "other"), fwd,
        (_minmax_vjp(True, greater), _minmax_vjp(False, greater)),
        (("self", "other"), ("self", "other")),
        f"result = {name}(self, other)", rf"r = \{name[:3]}(x, y)",
        ("grad_self = grad where self wins (half on ties)",
         "grad_other = grad where other wins (half on ties)"),
        (r"\bar x = \bar r\, [x\ \text{wins}]", r"\bar y = \bar r\, [y\ \text{wins}]"))


_minmax_pair("maximum", "MaximumBackward0", np.maximum, True)
_minmax_pair("minimum", "MinimumBackward0", np.minimum, False)
_op("where", "WhereBackward0", ("self", "other"), lambda x, y, condition: np.where(condition, x, y),
    (lambda m, g, s, a: _zeros_where(m, ~a["condition"], g),
     lambda m, g, s, a: _zeros_where(m, a["condition"], g)),
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


# PyTorch sums floats in a fixed order (aten/src/ATen/native/cpu/SumKernel.cpp: vectors of 32 bytes, four
# interleaved accumulators, partial sums in levels of 16+ rows); numpy's pairwise order gives other last bits.
# The helpers below replay that order with numpy, one float rounding per addition.
_SUM_VECTOR_BYTES = 32  # the AVX2 width PyTorch's CPU sum kernel uses: 8 float32 or 4 float64 lanes
_LANES_F32, _LANES_F64 = _SUM_VECTOR_BYTES // 4, _SUM_VECTOR_BYTES // 8
_SUM_ILP = 4
_SUM_LEVELS = 4
_SUM_GRAIN = 32768  # above this PyTorch splits a full sum between its threads
_SUM_THREADS = 2


def _lanes(dtype) -> int:
    return _SUM_VECTOR_BYTES // dtype.itemsize


def _running_sum(start, block):
    """start + block[0] + block[1] + ..., rounding after each addition (np.add.accumulate keeps the order)."""
    return np.add.accumulate(np.concatenate([start[None], block], axis=0), axis=0)[-1]


def _levelled_sum(rows):
    """PyTorch's multi_row_sum over axis 0 of (size, ...): running sums of 2**p rows, carried up 4 levels."""
    size = rows.shape[0]
    power = max(4, (0 if size <= 1 else (size - 1).bit_length()) // _SUM_LEVELS)
    step = 1 << power
    zero = np.zeros(rows.shape[1:], rows.dtype)
    acc = [zero] * _SUM_LEVELS
    i = 0
    while i + step <= size:
        acc[0] = _running_sum(acc[0], rows[i:i + step])
        i += step
        for j in range(1, _SUM_LEVELS):
            acc[j] = acc[j] + acc[j - 1]
            acc[j - 1] = zero
            if i & ((step - 1) << (j * power)):
                break
    if i < size:
        acc[0] = _running_sum(acc[0], rows[i:])
    total = acc[0]
    for j in range(1, _SUM_LEVELS):
        total = total + acc[j]
    return total


def _interleaved_sum(x):
    """PyTorch's row_sum over axis 0 of (size, ...): 4 interleaved accumulators, leftovers, then combined."""
    size = x.shape[0]
    n_ilp = size // _SUM_ILP
    if n_ilp:
        partial = _levelled_sum(x[:n_ilp * _SUM_ILP].reshape((n_ilp, _SUM_ILP, *x.shape[1:])))
    else:
        partial = np.zeros((_SUM_ILP, *x.shape[1:]), x.dtype)
    total = partial[0]
    if n_ilp * _SUM_ILP < size:
        total = _running_sum(total, x[n_ilp * _SUM_ILP:])
    for k in range(1, _SUM_ILP):
        total = total + partial[k]
    return total


def _rows_sum(x):
    """(rows, n) -> (rows,): each row as PyTorch sums a contiguous run (vectorized_inner_sum)."""
    rows, n = x.shape
    lanes = _lanes(x.dtype)
    if n < lanes:
        return _interleaved_sum(x.T)
    n_vec = n // lanes
    per_lane = _interleaved_sum(x[:, :n_vec * lanes].reshape(rows, n_vec, lanes).transpose(1, 2, 0))
    total = np.zeros(rows, x.dtype)
    if n_vec * lanes < n:
        total = _running_sum(total, x[:, n_vec * lanes:].T)
    return _running_sum(total, per_lane)


def _flat_sum(flat):
    """`_rows_sum` of one contiguous run (a full sum of up to `_SUM_GRAIN` elements): the same additions in the
    same order in a few numpy calls (an MSE over 640 elements: 5 us instead of 25). Numpy's reduce over an
    outer axis adds row after row, one rounding each, so it replays a running sum of rows; running sums start
    from their first term instead of +0.0, which changes nothing but a zero's sign, settled at the end."""
    n = flat.size
    layout = _FLAT_LAYOUTS.get((n, flat.dtype))
    if layout is None:
        layout = _flat_layout(n, flat.dtype)
    if layout is None:  # (partial sums would carry past the second level: the general code)
        return _rows_sum(flat.reshape(1, -1))[0]
    lanes, width, n_ilp, blocked, n_vec = layout
    rows = flat[:n_ilp * width].reshape(n_ilp, width)
    # _levelled_sum: level 1 carries the blocks' running sums; level 0 holds the rows left over
    if blocked:
        level = _add_reduce(rows[:blocked].reshape(-1, 16, width), axis=1)
        level = _add_reduce(level, axis=0) if blocked > 16 else level[0]
        if blocked < n_ilp:
            level = _add_reduce(rows[blocked:], axis=0) + level
    elif n_ilp:
        level = _add_reduce(rows, axis=0)
    else:
        level = np.zeros(width, flat.dtype)
    partial = level.reshape(_SUM_ILP, lanes)
    # _interleaved_sum: accumulator 0, the vectors left over, then accumulators 1, 2, 3
    if n_ilp * width < n_vec * lanes:
        left = flat[n_ilp * width:n_vec * lanes].reshape(-1, lanes)
        partial = np.concatenate((partial[:1], left, partial[1:]))
    per_lane = _add_reduce(partial, axis=0)
    # _rows_sum: from 0, the elements past the last vector, then the lanes in order
    if n_vec * lanes < n:
        per_lane = np.concatenate((flat[n_vec * lanes:], per_lane))
    # PyTorch's running sums all start from +0.0 (and its empty levels add +0.0), so its total is never -0.0;
    # a zero's sign is the only thing those additions can change, so adding +0.0 once, last, settles it
    return _add_accumulate(per_lane)[-1] + flat.dtype.type(0)


def _flat_layout(n, dtype):
    """(lanes, width, rows of 4 vectors, rows in whole blocks of 16, vectors) for `_flat_sum`, or None where
    its shortcut does not hold."""
    lanes = _lanes(dtype)
    n_vec = n // lanes
    n_ilp = n_vec // _SUM_ILP
    step = 1 << max(4, (0 if n_ilp <= 1 else (n_ilp - 1).bit_length()) // _SUM_LEVELS)
    layout = None
    if step == 16 and n_ilp // step < 16 and n >= lanes:
        layout = (lanes, _SUM_ILP * lanes, n_ilp, (n_ilp // step) * step, n_vec)
    if len(_FLAT_LAYOUTS) < 10000:
        _FLAT_LAYOUTS[(n, dtype)] = layout
    return layout


_FLAT_LAYOUTS: dict = {}
_add_accumulate = np.add.accumulate
_add_reduce = np.add.reduce


def _columns_sum(x):
    """(r, c) -> (c,): as PyTorch sums a reduced outer dim (vectorized_outer_sum / scalar_outer_sum)."""
    c = x.shape[1]
    lanes = _lanes(x.dtype)
    split = (c // (4 * lanes)) * 4 * lanes if c >= lanes else (c // 4) * 4
    out = np.empty(c, x.dtype)
    if split:
        out[:split] = _levelled_sum(x[:, :split])
    if split < c:
        out[split:] = _interleaved_sum(x[:, split:])
    return out


def _short_sum(flat):
    """The same order for fewer elements than one vector holds, on numpy scalars (a few microseconds less):
    a running sum, or for 4 to 7 elements the first four as accumulators, the rest into the first."""
    zero = flat.dtype.type(0)
    if len(flat) < _SUM_ILP:
        total = zero
        for v in flat:
            total = total + v
        return total
    first = [zero + v for v in flat[:_SUM_ILP]]
    total = first[0]
    for v in flat[_SUM_ILP:]:
        total = total + v
    for v in first[1:]:
        total = total + v
    return total


def _takes_short_sum(x, axis, keepdims) -> bool:
    """Whether torch_sum adds this float array as `_short_sum` does: a whole sum of fewer elements than one
    vector holds (over all of a 1-d array's only dim too)."""
    return (0 < x.size < _lanes(x.dtype) and x.dtype.kind == "f" and (axis is None or x.ndim == 1)
            and not keepdims)


def _takes_flat_sum(x, axis, keepdims) -> bool:
    """Whether torch_sum replays this sum as one run (`_flat_sum`): a full sum over memory order of a float
    array with at least one vector of elements and at most EXACT_ROUNDING_MAX."""
    return (axis is None and not keepdims and x.dtype.kind == "f" and _lanes(x.dtype) <= x.size <= EXACT_ROUNDING_MAX
            and x.flags.c_contiguous)


def _kernel_total(x, axis, keepdims):
    """The whole sum of a contiguous float32 or float64 array, in PyTorch's order, by the C kernels (any size:
    the numpy replay stops at EXACT_ROUNDING_MAX for speed, the C loop is faster than np.sum); None where the
    kernels are not compiled or do not apply, or the sum is a nan (left to numpy)."""
    if _K is None or keepdims or not x.ndim or not x.size or not (axis is None or x.ndim == 1) \
            or not x.flags.c_contiguous:
        return None
    if x.dtype == _float32:
        return _K.sum_f32(x.reshape(-1), _LANES_F32, _SUM_GRAIN, _SUM_THREADS)
    if x.dtype == _float64:
        return _K.sum_f64(x.reshape(-1), _LANES_F64, _SUM_GRAIN, _SUM_THREADS)
    return None


def _whole_sum(x, axis, keepdims):
    """A whole float sum (all of x, or a 1-d x's only dim) as a numpy scalar, by the quickest route that keeps
    PyTorch's order: the C kernel, else `_short_sum` or `_flat_sum`; None where torch_sum's general code is
    needed. (torch_mean divides it while it is still a scalar.)"""
    total = _kernel_total(x, axis, keepdims)
    if total is not None:
        return total
    if x.ndim and _takes_short_sum(x, axis, keepdims):
        return _short_sum(x.reshape(-1))
    if _takes_flat_sum(x, axis, keepdims):
        return _flat_sum(x.reshape(-1))
    return None


def torch_sum(x, axis=None, keepdims=False):
    """Sum as PyTorch adds: its order for floats (results agree to the last bit), numpy's for integers."""
    x = np.asarray(x)
    total = _whole_sum(x, axis, keepdims)
    if total is not None:
        return np.asarray(total, dtype=x.dtype)
    if x.dtype.kind != "f" or x.ndim == 0 or x.size == 0 or x.size > EXACT_ROUNDING_MAX:
        if x.dtype.kind != "f":  # (np.sum: integers add up in int64, as in PyTorch)
            return np.asarray(np.sum(x, axis=axis, keepdims=keepdims))
        axis = tuple(axis) if isinstance(axis, list) else axis
        return np.asarray(_add_reduce(x, axis=axis, keepdims=keepdims), dtype=x.dtype)  # np.sum's own kernel
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else tuple(int(a) % nd for a in np.atleast_1d(axis))
    # PyTorch walks memory order: outermost stride first; adjacent dims of one kind merge into one
    order = sorted(range(nd), key=lambda d: (-abs(x.strides[d]), d))
    xp = np.transpose(x, order)
    shape, reduced = [], []
    for n, d in zip(xp.shape, order):
        if n == 1:
            continue
        if reduced and reduced[-1] == (d in axes):
            shape[-1] *= n
        else:
            shape.append(n)
            reduced.append(d in axes)
    if not any(reduced):
        result = np.array(xp, copy=True)
    elif len(shape) == 1:
        flat = np.ascontiguousarray(xp).reshape(1, -1)
        if flat.size > _SUM_GRAIN:  # one part per thread, then the parts in order
            chunk = -(-flat.size // _SUM_THREADS)
            parts = np.array([_rows_sum(flat[:, i:i + chunk])[0] for i in range(0, flat.size, chunk)])
            result = _running_sum(np.zeros((), x.dtype), parts)
        else:
            result = _rows_sum(flat)[0]
    else:
        blocks = np.ascontiguousarray(xp).reshape((-1, *shape[-2:]))
        outer_shape, outer_reduced = shape[:-2], reduced[:-2]
        result = np.zeros([n for n, r in zip(shape, reduced) if not r], x.dtype)
        for block, outer in zip(blocks, np.ndindex(*outer_shape)):
            part = _rows_sum(block) if reduced[-1] else _columns_sum(block)
            where = tuple(i for i, r in zip(outer, outer_reduced) if not r)
            result[where] = result[where] + part  # PyTorch accumulates each outer slice into the output
    kept = [i for i, d in enumerate(order) if d not in axes]
    result = np.reshape(result, [xp.shape[i] for i in kept])
    result = np.transpose(result, np.argsort([order[i] for i in kept]))
    if keepdims:
        result = np.reshape(result, tuple(1 if d in axes else n for d, n in enumerate(x.shape)))
    return np.asarray(result, dtype=x.dtype)


def torch_mean(x, axis=None, keepdims=False):
    """PyTorch's mean: the sum, then one division by the count in the tensor's dtype."""
    total = _whole_sum(x, axis, keepdims)
    if total is not None:
        return np.asarray(total / x.dtype.type(x.size))
    n = x.size if axis is None else math.prod([x.shape[d] for d in np.atleast_1d(axis)])
    return np.asarray(torch_sum(x, axis, keepdims) / x.dtype.type(n), dtype=x.dtype)


_unary("sum", "SumBackward0", torch_sum,
       lambda m, g, s, a: m.expand(g, a["shape"]) if m.differentiable else g, (),  # the engine expands lazily
       "result = Σ self", r"r = \sum_i x_i",
       "grad_self = grad expanded to self's shape", r"\bar x_i = \bar r")
_unary("sum_dim", "SumBackward1", lambda x, dim, keepdim=False: torch_sum(x, dim, keepdim),
       lambda m, g, s, a: _expand_reduced(m, g, a["shape"], a), (),
       "result = Σ self over dim", r"r = \sum_{d} x",
       "grad_self = grad expanded over dim", r"\bar x = \bar r")
_unary("mean", "MeanBackward0", torch_mean,
       lambda m, g, s, a: ((m.expand(g, a["shape"]) if m.differentiable else g)
                           / max(math.prod(a["shape"]), 1)),
       (),
       "result = Σ self / n", r"r = \frac{1}{n}\sum_i x_i",
       "grad_self = grad expanded / n", r"\bar x_i = \frac{\bar r}{n}")
_unary("mean_dim", "MeanBackward1", lambda x, dim, keepdim=False: torch_mean(x, dim, keepdim),
       lambda m, g, s, a: (_expand_reduced(m, g, a["shape"], a)
                           / math.prod([a["shape"][d] for d in a["dim"]])),
       (),
       "result = mean of self over dim", r"r = \frac{1}{n}\sum_{d} x",
       "grad_self = grad expanded over dim / n", r"\bar x = \frac{\bar r}{n}")


def _extreme_all_vjp(m, g, s, a):
    # PyTorch spreads the gradient evenly over every element equal to the extreme: grad / count there, else 0
    mask = _data(s["self"]) == _data(s["result"])
    share = m.expand(g / int(mask.sum()), mask.shape)
    return _zeros_where(m, ~mask, share)


_unary("max", "MaxBackward1", lambda x: np.max(x), _extreme_all_vjp, ("self", "result"),
       "result = max(self)", r"r = \max_i x_i",
       "grad_self = grad / k at the k maxima", r"\bar x_i = \frac{\bar r}{k}[x_i = r]")
_unary("min", "MinBackward1", lambda x: np.min(x), _extreme_all_vjp, ("self", "result"),
       "result = min(self)", r"r = \min_i x_i",
       "grad_self = grad / k at the k minima", r"\bar x_i = \frac{\bar r}{k}[x_i = r]")


def _restore_dims(m, x, a):
    """A reduced result brought back to keepdim form (PyTorch's restore_reduced_dims)."""
    if a["keepdim"]:
        return x
    return m.reshape(x, _keepdim_shape(a["shape"], a["dim"]))


def _amax_vjp(m, g, s, a):
    # PyTorch: (grad / count) * mask, mask = (self == result) per reduced slice: ties share the gradient
    xd = _data(s["self"])
    mask = xd == np.reshape(_data(s["result"]), _keepdim_shape(xd.shape, a["dim"]))
    count = mask.sum(axis=a["dim"], keepdims=True).astype(xd.dtype)
    return (_restore_dims(m, g, a) / m.constant(count)) * m.constant(mask.astype(xd.dtype))


for _name, _grad_fn, _pick in (("amax", "AmaxBackward0", np.max), ("amin", "AminBackward0", np.min)):
    _unary(_name, _grad_fn, lambda x, dim, keepdim=False, pick=_pick: pick(x, axis=dim, keepdims=keepdim),
           _amax_vjp, ("self", "result"),
           f"result = {_name}(self, dim)", rf"r = \{_name[1:]}_{{d}} x",
           "grad_self = grad / k at the k extremes of each slice", r"\bar x = \frac{\bar r}{k}[x = r]")


def _var_fwd(x, dim, correction=1, keepdim=False):
    # PyTorch accumulates in float64 (a two-pass sum over the float32 mean for a full reduction)
    if dim == tuple(range(np.ndim(x))) and np.ndim(x) and x.dtype == np.float32:
        mean = np.float64(torch_mean(x))
    else:
        mean = np.mean(np.asarray(x, np.float64), axis=dim, keepdims=True)
    dev = np.asarray(x, np.float64) - mean
    n = math.prod([np.shape(x)[d] for d in dim])
    return np.sum(dev * dev, axis=dim, keepdims=keepdim) / max(0, n - correction)


def _var_backward(m, g, s, a):
    # PyTorch: (2 / (N - correction)) * grad * (self - self.mean(dim, keepdim=True))
    x = s["self"]
    n = math.prod([a["shape"][d] for d in a["dim"]])
    centred = x - exact(m).sum(x, a["dim"], True) / n
    dof = max(0, n - a.get("correction", 1))
    # (no degrees of freedom: PyTorch's 2 / 0 is inf, and the gradient nan, as the result is)
    return _times(m, 2.0 / dof if dof else math.inf, _restore_dims(m, g, a)) * centred


def _std_vjp(m, g, s, a):
    # PyTorch: var_backward(grad / (result * 2)), 0 where the result is 0
    r = s["result"]
    scaled = _zeros_where(m, _data(r) == 0, g / (r * 2))
    return _var_backward(m, scaled, s, a)


_unary("var", "VarBackward0", lambda x, dim, correction=1, keepdim=False:
       np.asarray(_var_fwd(x, dim, correction, keepdim), dtype=x.dtype),
       _var_backward, ("self",),
       "result = Σ (self - mean)² / (N - correction)", r"r = \frac{1}{N-c}\sum_i (x_i - \bar x)^2",
       "grad_self = 2 / (N - correction) * grad * (self - mean)",
       r"\bar x_i = \frac{2 \bar r}{N-c}(x_i - \bar x)")
_unary("std", "StdBackward0", lambda x, dim, correction=1, keepdim=False:
       np.asarray(np.sqrt(_var_fwd(x, dim, correction, keepdim)), dtype=x.dtype),
       _std_vjp, ("self", "result"),
       "result = sqrt(var(self))", r"r = \sqrt{\operatorname{var}(x)}",
       "grad_self = grad / (2·result) * 2 / (N - correction) * (self - mean)",
       r"\bar x_i = \frac{\bar r}{r}\frac{x_i - \bar x}{N-c}")


def _extreme_dim_fwd(pick):
    def forward(x, dim, keepdim=False):
        if dim is None:  # (a 0-d tensor over its dim 0)
            return np.array(x, copy=True), {"indices": np.zeros((), np.int64)}
        idx = pick(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            values, idx = np.squeeze(values, axis=dim), np.squeeze(idx, axis=dim)
        return values, {"indices": idx.astype(np.int64)}

    return forward


def _extreme_dim_vjp(m, g, s, a):
    dim, shape = a["dim"], a["shape"]
    if dim is None:  # (a 0-d input: the gradient passes to its one element)
        return g
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
        out = np.sqrt(torch_sum(ax * ax, dim, keepdim))
    elif ord == 1:
        out = torch_sum(absx, dim, keepdim)
    elif ord == float("inf"):
        out = np.max(absx, axis=dim, keepdims=keepdim)
    elif ord == 0:
        out = np.sum(absx != 0, axis=dim, keepdims=keepdim).astype(ax.dtype)
    else:
        out = np.sum(absx**ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)
    return np.asarray(out, dtype=ax.dtype)


_unary("masked_fill", "MaskedFillBackward0",
       lambda x, mask, value=0: np.where(mask, np.asarray(value, np.result_type(x)), x),
       lambda m, g, s, a: _zeros_where(m, a["mask"], g), (),
       "result = self, with value where mask", r"r = [\lnot M]\,x + [M]\,v",
       "grad_self = grad, 0 where mask", r"\bar x = [\lnot M]\,\bar r")


def _masked_zero(m, t, mask):
    """t.masked_fill_(mask, 0) of PyTorch's formulas (MaskedFillBackward0 under create_graph)."""
    if m.differentiable:
        import engine

        return engine.apply_op("masked_fill", t, mask=np.broadcast_to(mask, _shape(t)))
    return np.where(mask, np.zeros((), np.result_type(t)), t)


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
    # PyTorch's norm_backward, term by term (where the norm is 0 the gradient is 0)
    zero = rd == 0
    if p == 2:
        return g * _masked_zero(m, x / r, np.broadcast_to(zero, _shape(x)))
    if p == float("inf"):
        xd = _data(x)
        mask = np.abs(xd) == rd
        count = mask.sum(axis=a.get("dim"), keepdims=True).astype(xd.dtype)
        return m.sign(x) * _zeros_where(m, ~mask, m.expand(g / m.constant(count), _shape(x)))
    scale = _masked_zero(m, g / r ** (p - 1), zero)
    if p < 2:
        return m.sign(x) * m.abs(x) ** (p - 1) * scale
    return x * m.abs(x) ** (p - 2) * scale


_unary("norm", "LinalgVectorNormBackward0", _norm_fwd, _norm_vjp, ("self", "result"),
       "result = (Σ |self|^p)^(1/p)", r"r = \|x\|_p", "grad_self = grad * self * |self|^(p-2) / result^(p-1)",
       r"\bar x = \bar r\, \frac{x\,|x|^{p-2}}{r^{p-1}}")

# ---------------------------------------------------------------- shapes and views
_RESHAPE_BACK = "grad_self = grad reshaped to self's shape"


def _view_like(name, grad_fn, forward, formula, latex):
    _unary(name, grad_fn, forward, lambda m, g, s, a: m.reshape(g, a["shape"]), (), formula, latex,
           _RESHAPE_BACK, r"\bar x = \operatorname{reshape}(\bar r)")


def _reshape(x, size):
    # the array's own method: what np.reshape calls, without its Python-level wrapper
    return x.reshape(size) if type(x) is _ndarray else np.reshape(x, size)


def _expand_dims(x, dim):
    """np.expand_dims(x, dim), which is a reshape: done directly for the (wrapped) dims the engine passes."""
    if type(x) is _ndarray and 0 <= dim <= x.ndim:
        shape = x.shape
        return x.reshape((*shape[:dim], 1, *shape[dim:]))
    return np.expand_dims(x, dim)


_view_like("view", "ViewBackward0", _reshape, "result = self.view(size)", r"r = x")
_view_like("unsafe_view", "UnsafeViewBackward0", _reshape,
           "result = self.reshape(size)", r"r = x")
_view_like("squeeze", "SqueezeBackward0", lambda x: np.squeeze(x), "result = self.squeeze()", r"r = x")
_view_like("squeeze_dim", "SqueezeBackward1",
           lambda x, dim: np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x,
           "result = self.squeeze(dim)", r"r = x")
_view_like("squeeze_matmul", "SqueezeBackward4", lambda x, dim: np.squeeze(x, axis=dim),
           "result = self.squeeze_(dim)", r"r = x")
_view_like("unsqueeze", "UnsqueezeBackward0", _expand_dims,
           "result = self.unsqueeze(dim)", r"r = x")
_unary("expand", "ExpandBackward0", lambda x, size: np.broadcast_to(x, size), lambda m, g, s, a: g, (),
       "result = self expanded to size", r"r = x", "grad_self = grad summed over expanded dims",
       r"\bar x = \sum_{\text{expanded}} \bar r")
_unary("t", "TBackward0", lambda x: np.transpose(x),
       lambda m, g, s, a: m.permute(g, tuple(range(np.ndim(_data(g)))[::-1])),
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
    (_copy_slices_self, lambda m, g, s, a: g[a["index"]]),
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
            f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
            f"{y.shape[0]}x{y.shape[1]})")
    return matmul_in_order(x, y)


_op("mm", "MmBackward0", ("self", "mat2"), _check_mm,
    (lambda m, g, s, a: m.matmul(g, m.transpose(s["mat2"])),
     lambda m, g, s, a: m.matmul(m.transpose(s["self"]), g)),
    (("mat2",), ("self",)),
    "result = self @ mat2", r"R = X W",
    ("grad_self = grad @ mat2ᵀ", "grad_mat2 = selfᵀ @ grad"),
    (r"\bar X = \bar R W^{\top}", r"\bar W = X^{\top} \bar R"))


def _check_mv(x, v):
    if x.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {x.ndim}, {v.ndim}")
    if x.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({x.shape[0]}), mat ({x.shape[0]}x{x.shape[1]}), vec ({v.shape[0]})")
    # (BLAS, not matmul_in_order: see engine.vjp_math)
    return np.matmul(x, v)


_op("mv", "MvBackward0", ("self", "vec"), _check_mv,
    (lambda m, g, s, a: m.outer(g, s["vec"]), lambda m, g, s, a: m.matmul(m.transpose(s["self"]), g)),
    (("vec",), ("self",)),
    "result = self @ vec", r"r = A v",
    ("grad_self = outer(grad, vec)", "grad_vec = selfᵀ @ grad"),
    (r"\bar A = \bar r\, v^{\top}", r"\bar v = A^{\top} \bar r"))


def _check_dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to have the "
            f"same number of elements, but got {x.shape[0]} and {y.shape[0]} elements respectively")
    return np.dot(x, y)


_op("dot", "DotBackward0", ("self", "other"), _check_dot,
    (lambda m, g, s, a: g * s["other"], lambda m, g, s, a: g * s["self"]),
    (("other",), ("self",)),
    "result = Σ self * other", r"r = x \cdot y", ("grad_self = grad * other", "grad_other = grad * self"),
    (r"\bar x = \bar r\, y", r"\bar y = \bar r\, x"))


# ---------------------------------------------------------------- losses and activations of nn.functional
# Forwards and VJPs follow PyTorch's kernels term by term, so float32 results agree to the last bit.
def _reduce(loss, reduction):
    if reduction == "mean":
        return torch_mean(loss)
    if reduction == "sum":
        return torch_sum(loss)
    return loss


def _scale_reduced(m, gi, n, reduction):
    """The last step of PyTorch's loss backwards: divide by the number of elements for `mean`."""
    return _over(m, gi, n) if reduction == "mean" else gi


def _log_sigmoid(m, x):
    if m.differentiable:
        import engine.nn.functional as nnf

        return nnf.logsigmoid(x)
    return _log_sigmoid_fwd(x)


def _bce_logits_fwd(x, y, weight=None, pos_weight=None, reduction="mean"):
    y = np.asarray(y, dtype=x.dtype)
    log_sig = _log_sigmoid_fwd(x)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * y + 1)
    loss = (1 - y) * x - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_logits_self(m, g, s, a):
    x, y = s["self"], s["target"]
    pw, w = a.get("pos_weight"), a.get("weight")
    if pw is None:
        gi = exact(m).sigmoid(x) - y
        gi = gi * g if m.differentiable else times_fresh(g, gi)  # (a loss's own gradient is 1: no pass)
    else:
        t = pw * y
        gi = (t + 1 - y) * exact(m).sigmoid(x) - t
        gi = gi * g
    if w is not None:
        gi = gi * w
    n = x.size if type(x) is _ndarray else math.prod(_shape(x))
    return _scale_reduced(m, gi, n, a.get("reduction", "mean"))


def _bce_logits_target(m, g, s, a):
    x = s["self"]
    pw, w = a.get("pos_weight"), a.get("weight")
    if pw is None:
        gt = -x * g
    else:
        gt = (_log_sigmoid(m, -x) - _log_sigmoid(m, x) * pw) * g
    if w is not None:
        gt = gt * w
    return _scale_reduced(m, gt, math.prod(_shape(x)), a.get("reduction", "mean"))


_op("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0", ("self", "target"),
    _bce_logits_fwd, (_bce_logits_self, _bce_logits_target), (("self", "target"), ("self",)),
    "result = mean((1 - target)·self - log σ(self))",
    r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln\sigma(z_i) + (1-y_i)\ln(1-\sigma(z_i))\right]",
    ("grad_self = (σ(self) - target) * grad / n", "grad_target = -self * grad / n"),
    (r"\bar z_i = \frac{\bar\ell}{n}(\sigma(z_i) - y_i)", r"\bar y_i = -\frac{\bar\ell}{n} z_i"))


def _bce_fwd(x, y, weight=None, reduction="mean"):
    if np.any(~((x >= 0) & (x <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    y = np.asarray(y, dtype=x.dtype)
    with np.errstate(divide="ignore"):
        log_1mx = np.maximum(log1p_f(-x), -100)
        log_x = np.maximum(log_f(x), -100)
    loss = (y - 1) * log_1mx - y * log_x
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_self(m, g, s, a):
    # PyTorch: grad * (self - target) / max((1 - self) * self, 1e-12)
    x, y = s["self"], s["target"]
    xd = _data(x)
    denom = m.constant(np.maximum((1 - xd) * xd, xd.dtype.type(1e-12)))
    gi = g * (x - y) / denom
    if a.get("weight") is not None:
        gi = gi * a["weight"]
    return _scale_reduced(m, gi, math.prod(_shape(x)), a.get("reduction", "mean"))


def _bce_target(m, g, s, a):
    # PyTorch: -logit(self) * grad
    x = s["self"]
    gt = -exact(m).log(x / (1 - x)) * g
    if a.get("weight") is not None:
        gt = gt * a["weight"]
    return _scale_reduced(m, gt, math.prod(_shape(x)), a.get("reduction", "mean"))


_op("binary_cross_entropy", "BinaryCrossEntropyBackward0", ("self", "target"), _bce_fwd,
    (_bce_self, _bce_target), (("self", "target"), ("self",)),
    "result = mean(-(target·log(self) + (1-target)·log(1-self)))",
    r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln p_i + (1-y_i)\ln(1-p_i)\right]",
    ("grad_self = grad * (self - target) / (self·(1-self)) / n",
     "grad_target = -grad * log(self / (1 - self)) / n"),
    (r"\bar p_i = \frac{\bar\ell}{n}\frac{p_i - y_i}{p_i(1-p_i)}",
     r"\bar y_i = -\frac{\bar\ell}{n}\ln\frac{p_i}{1-p_i}"))


def _mse_fwd(x, y, reduction="mean"):
    d = x - y
    return _reduce(np.multiply(d, d, out=d) if type(d) is _ndarray else d * d, reduction)


def _mse_backward_fwd(g, first, second, reduction="mean"):
    # PyTorch's kernel: alpha * (first - second) * grad, alpha = 2 / n for `mean`, else 2
    n = math.prod(np.shape(first))
    alpha = 2.0 / n if reduction == "mean" else 2.0
    d = first - second
    if type(d) is not _ndarray:  # numpy scalars (0-d tensors)
        return alpha * d * g
    # (the same products, in the difference's array; alpha cast as numpy would, see binary_runner)
    return times_fresh(g, np.multiply(d.dtype.type(alpha) if d.dtype.kind == "f" else alpha, d, out=d))


def _mse_double(m, gg, x, reduction):
    """PyTorch's mse_loss_double_backward: 2 * grad, / numel for `mean`."""
    out = _times(m, 2, gg)
    return _over(m, out, math.prod(_shape(x))) if reduction == "mean" else out


def _mse_grad_output_vjp(m, g, s, a):
    reduction = a.get("reduction", "mean")
    if reduction == "none":
        return call_rule(m, "mse_loss_backward", g, s["self"], s["target"], reduction="none")
    ones = m.constant(np.ones(_shape(s["grad_output"]), _data(s["self"]).dtype))
    per_element = call_rule(m, "mse_loss_backward", ones, s["self"], s["target"], reduction=reduction)
    return exact(m).sum(per_element * g)


_op("mse_loss_backward", "MseLossBackwardBackward0", ("grad_output", "self", "target"), _mse_backward_fwd,
    (_mse_grad_output_vjp,
     lambda m, g, s, a: _mse_double(m, g * s["grad_output"], s["self"], a.get("reduction", "mean")),
     lambda m, g, s, a: -_mse_double(m, g * s["grad_output"], s["target"], a.get("reduction", "mean"))),
    (("grad_output", "self", "target"), ("grad_output",), ("grad_output",)),
    "result = (2/n) * (self - target) * grad_output", r"r = \tfrac{2}{n}(x - y)\,\bar\ell",
    ("grad_grad_output = Σ grad * (2/n)(self - target)", "grad_self = (2/n) * grad * grad_output",
     "grad_target = -(2/n) * grad * grad_output"),
    (r"\bar{\bar\ell} = \sum \bar r\,\tfrac{2}{n}(x - y)", r"\bar x = \tfrac{2}{n}\bar r\,\bar\ell",
     r"\bar y = -\tfrac{2}{n}\bar r\,\bar\ell"))


_op("mse_loss", "MseLossBackward0", ("self", "target"), _mse_fwd,
    (lambda m, g, s, a: call_rule(m, "mse_loss_backward", g, s["self"], s["target"],
                                  reduction=a.get("reduction", "mean")),
     lambda m, g, s, a: call_rule(m, "mse_loss_backward", g, s["target"], s["self"],
                                  reduction=a.get("reduction", "mean"))),
    (("self", "target"), ("self", "target")),
    "result = mean((self - target)²)", r"\ell = \frac{1}{n}\sum_i (x_i - y_i)^2",
    ("grad_self = (2/n) * (self - target) * grad", "grad_target = (2/n) * (target - self) * grad"),
    (r"\bar x_i = \frac{2}{n}(x_i - y_i)\bar\ell", r"\bar y_i = \frac{2}{n}(y_i - x_i)\bar\ell"))


def _running_total(x, dim):
    """The sum along `dim` added one element after another, as PyTorch's softmax kernels add (kept dims)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x
    return np.take(np.add.accumulate(x, axis=dim), [-1], axis=dim)


def _softmax_fwd(x, dim):
    e = exp_f(x - np.max(x, axis=dim, keepdims=True))
    total = _running_total(e, dim)
    # the last-dim kernel multiplies by the reciprocal, the others divide
    return e * (1 / total) if dim in (-1, np.ndim(x) - 1) else e / total


def _log_softmax_fwd(x, dim):
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - log_f(_running_total(exp_f(shifted), dim))


def _softmax_backward_fwd(g, y, dim):
    g, y = np.asarray(g), np.asarray(y)
    if g.dtype != np.float32 or g.shape != y.shape or g.ndim == 0:
        return y * (g - torch_sum(g * y, axis=dim, keepdims=True))
    last = dim % g.ndim == g.ndim - 1
    total = _dot_along_last(g, y) if last else _fused_dot_along(g, y, dim % g.ndim)
    return y * (g - total)


# PyTorch's float32 softmax backward (aten/src/ATen/native/cpu/SoftMaxKernel.cpp, built for AVX-512 as the
# oracle's machine runs it) sums grad * output in its own orders, which the helpers below replay; a softmax
# whose gradient sums to zero shows them (PyTorch prints -1.29e-08 where another order gives -0.).
_SOFTMAX_LANES = 16  # float32 lanes of one AVX-512 vector


def _dot_along_last(g, y):
    """Σ g·y over the last dim as map2_reduce_all adds: fewer elements than a vector add up one after another;
    otherwise one vector of products accumulates the following vectors lane by lane (the partial last vector
    with fused multiply-adds, as the compiled kernel does), and the lanes are added by halves."""
    n = g.shape[-1]
    products = g * y
    if n < _SOFTMAX_LANES:
        return _add_accumulate(products, axis=-1)[..., -1:]
    acc = products[..., :_SOFTMAX_LANES]
    d = _SOFTMAX_LANES
    while d < n - n % _SOFTMAX_LANES:
        acc = acc + products[..., d:d + _SOFTMAX_LANES]
        d += _SOFTMAX_LANES
    if d < n:
        tail = n - d
        acc = acc.copy()
        acc[..., :tail] = _fma32(g[..., d:], y[..., d:], acc[..., :tail])
    half = _SOFTMAX_LANES
    while half > 1:
        half //= 2
        acc = acc[..., :half] + acc[..., half:2 * half]
    return acc


def _fused_dot_along(g, y, dim):
    """Σ g·y over an inner dim as _vec_softmax_backward adds: from zero, one fused multiply-add per step."""
    g64, y64 = np.moveaxis(g, dim, 0).astype(np.float64), np.moveaxis(y, dim, 0).astype(np.float64)
    acc = np.zeros(g64.shape[1:], np.float32)
    for k in range(g64.shape[0]):
        acc = (g64[k] * y64[k] + acc).astype(np.float32)
    return np.expand_dims(acc, dim)


def _fma32(a, b, c):
    """a * b + c rounded once to float32 (the float64 product of two float32 is exact)."""
    return (a.astype(np.float64) * b + c).astype(np.float32)


def _softmax_double(m, g, s, a):
    # PyTorch's softmax_double_backward: grad_output * grad - Σ(output * grad_output) * grad
    #                                    - grad_output * Σ(output * grad)
    go, y, dim = s["grad_output"], s["output"], a["dim"]
    total = exact(m).sum
    return go * g - total(y * go, dim, True) * g - go * total(y * g, dim, True)


_op("softmax_backward_data", "SoftmaxBackwardDataBackward0", ("grad_output", "output"), _softmax_backward_fwd,
    (lambda m, g, s, a: call_rule(m, "softmax_backward_data", g, s["output"], dim=a["dim"]), _softmax_double),
    (("output",), ("grad_output", "output")),
    "result = output * (grad_output - Σ grad_output·output)",
    r"r = y \odot (\bar y - \langle \bar y, y \rangle)",
    ("grad_grad_output = softmax_backward(grad, output)", "grad_output = softmax_double_backward(...)"),
    (r"\bar{\bar y} = y \odot (\bar r - \langle \bar r, y \rangle)",
     r"\bar y = \bar y_o \bar r - \langle y, \bar y_o \rangle \bar r - \bar y_o \langle y, \bar r \rangle"))


def _log_softmax_backward_fwd(g, y, dim):
    return g - exp_f(y) * torch_sum(g, axis=dim, keepdims=True)


_op("log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0", ("grad_output", "output"),
    _log_softmax_backward_fwd,
    (lambda m, g, s, a: g - exact(m).sum(g * exact(m).exp(s["output"]), a["dim"], True),
     lambda m, g, s, a: -exact(m).sum(s["grad_output"], a["dim"], True) * exact(m).exp(s["output"]) * g),
    (("output",), ("grad_output", "output")),
    "result = grad_output - exp(output) * Σ grad_output", r"r = \bar y - e^{y} \sum \bar y",
    ("grad_grad_output = grad - Σ (grad * exp(output))", "grad_output = -Σ grad_output * exp(output) * grad"),
    (r"\bar{\bar y} = \bar r - \sum \bar r e^{y}", r"\bar y = -\left(\sum \bar y_o\right) e^{y} \bar r"))


_unary("softmax", "SoftmaxBackward0", _softmax_fwd,
       lambda m, g, s, a: call_rule(m, "softmax_backward_data", g, s["result"], dim=a["dim"]), ("result",),
       "result = exp(self) / Σ exp(self) over dim", r"r_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
       "grad_self = result * (grad - Σ grad·result)",
       r"\bar x = r \odot (\bar r - \langle \bar r, r \rangle)")
_unary("log_softmax", "LogSoftmaxBackward0", _log_softmax_fwd,
       lambda m, g, s, a: call_rule(m, "log_softmax_backward_data", g, s["result"], dim=a["dim"]),
       ("result",),
       "result = self - log Σ exp(self) over dim", r"r_i = x_i - \ln\sum_j e^{x_j}",
       "grad_self = grad - exp(result) * Σ grad", r"\bar x = \bar r - e^{r} \sum_j \bar r_j")


def _nll_parts(target, shape, weight, ignore_index, dtype):
    """Per-sample class index (0 where ignored) and weight (0 where ignored), as PyTorch's nll kernel has."""
    t = np.asarray(target)
    valid = t != ignore_index
    safe_t = np.where(valid, t, 0)
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    w = np.ones(n_classes, dtype) if weight is None else np.asarray(weight, dtype)
    wt = np.where(valid, w[safe_t], dtype.type(0)).astype(dtype)
    return safe_t, wt


def _nll_index(shape, safe_t):
    if len(shape) == 1:
        return (safe_t,)
    return (np.arange(shape[0]), safe_t)


def _cascade_sum(values, dtype, positions, batch):
    """PyTorch's nll_loss total: per-sample sums carried up eight levels of 16+ samples (decided by each
    sample's position in the batch, ignored ones skipped), the levels added last."""
    levels = 8
    power = max(4, (0 if batch <= 1 else (batch - 1).bit_length()) // levels)
    mask = (1 << power) - 1
    acc = [dtype.type(0)] * levels
    for b, v in zip(positions, (dtype.type(v) for v in np.ravel(values))):
        acc[0] = acc[0] + v
        for j in range(levels - 1):
            if b & (mask << (j * power)):
                break
            acc[j + 1] = acc[j + 1] + acc[j]
            acc[j] = dtype.type(0)
    total = dtype.type(0)
    for v in acc:
        total = total + v
    return total


def _nll_fwd(x, target, weight=None, reduction="mean", ignore_index=-100, dtype=None):
    safe_t, wt = _nll_parts(target, x.shape, weight, ignore_index, x.dtype)
    valid = np.ravel(np.asarray(target) != ignore_index)
    data = np.ravel(x[_nll_index(x.shape, safe_t)])
    picked = -x[_nll_index(x.shape, safe_t)] * wt
    if reduction == "none":
        return picked
    kept = data[valid] if weight is None else data[valid] * np.ravel(wt)[valid]
    positions, batch = np.flatnonzero(valid), valid.size
    total = _cascade_sum(-kept, x.dtype, positions, batch)  # PyTorch subtracts each: 0 - a - b == -a + -b
    if reduction == "mean":
        return np.asarray(total / _nll_total_weight(wt, valid, weight, x.dtype), dtype=x.dtype)
    return np.asarray(total, dtype=x.dtype)


def _nll_total_weight(wt, valid, weight, dtype):
    if weight is None:
        return dtype.type(valid.sum())
    return _cascade_sum(np.ravel(wt)[valid], dtype, np.flatnonzero(valid), valid.size)


def _nll_vjp(m, g, s, a):
    shape = a["shape"]
    dtype = np.dtype(a["dtype"])
    safe_t, wt = _nll_parts(a["target"], shape, a.get("weight"), a.get("ignore_index", -100), dtype)
    reduction = a.get("reduction", "mean")
    index = _nll_index(shape, safe_t)
    if reduction == "none":
        values = -m.constant(wt) * g  # PyTorch: -weight * grad_output[i]
    else:
        valid = np.ravel(np.asarray(a["target"]) != a.get("ignore_index", -100))
        scaled = g / _nll_total_weight(wt, valid, a.get("weight"), dtype) if reduction == "mean" else g
        values = -scaled * m.constant(wt)  # PyTorch: weight * -(grad / total_weight)
    return m.scatter_add(shape, index, values, m.constant(np.zeros((), dtype)))


_unary("nll_loss", "NllLossBackward0", _nll_fwd, _nll_vjp, (),
       "result = mean(-self[i, target_i])", r"\ell = -\frac{1}{n}\sum_i x_{i, y_i}",
       "grad_self = -grad / n at each target", r"\bar x_{i,y_i} = -\frac{\bar\ell}{n}")


# ---------------------------------------------------------------- joining tensors (a variable number of inputs)
# cat and stack take any number of tensors, so their spec is made per count of inputs (and cached): one
# next_functions slot per tensor, as PyTorch's CatBackward0 and StackBackward0 have. Not in REGISTRY (which
# holds ops of a fixed signature, each with its generated gradient test); tests/engine cover them apart.
_JOINED: dict = {}


def _cat_fwd(*arrays, dim, sizes, dtype, shape=None):
    kept = [np.asarray(x, dtype=dtype) for x, n in zip(arrays, sizes) if n is not None]
    return np.concatenate(kept, axis=dim)


def _cat_slice(m, g, s, a, i):
    dim, sizes = a["dim"], a["sizes"]
    if sizes[i] is None:  # a legacy empty 1-D tensor, left out of the result
        return m.zeros((0,), g)
    start = sum(n for n in sizes[:i] if n is not None)
    return g[(slice(None),) * dim + (slice(start, start + sizes[i]),)]


def _stack_fwd(*arrays, dim, dtype, shape=None):
    return np.stack([np.asarray(x, dtype=dtype) for x in arrays], axis=dim)


def joined_op(kind: str, n: int) -> OpSpec:
    """The spec of `cat` or `stack` over n tensors."""
    spec = _JOINED.get((kind, n))
    if spec is None:
        names = tuple(f"tensors[{i}]" for i in range(n))
        if kind == "cat":
            spec = OpSpec(
                "cat", "CatBackward0", names, _cat_fwd,
                tuple((lambda m, g, s, a, i=i: _cat_slice(m, g, s, a, i)) for i in range(n)), ((),) * n,
                "result = cat(tensors, dim)", r"R = [X_1; X_2; \dots]",
                tuple(f"grad_tensors[{i}] = grad.narrow(dim, offset[{i}], size[{i}])" for i in range(n)),
                tuple(rf"\bar X_{{{i}}} = \bar R_{{[{i}]}}" for i in range(n)))
        else:
            spec = OpSpec(
                "stack", "StackBackward0", names, _stack_fwd,
                tuple((lambda m, g, s, a, i=i: g[(slice(None),) * a["dim"] + (i,)]) for i in range(n)),
                ((),) * n,
                "result = stack(tensors, dim)", r"R_{\dots,i,\dots} = X_i",
                tuple(f"grad_tensors[{i}] = grad.select(dim, {i})" for i in range(n)),
                tuple(rf"\bar X_{{{i}}} = \bar R_{{\dots,{i},\dots}}" for i in range(n)))
        _JOINED[(kind, n)] = spec
    return spec


# Ops whose forward is element-wise with broadcasting. Their VJPs accept a gradient of any shape that
# broadcasts to their output, so the backward engine may hand them a gradient it has not expanded yet
# (a full reduction's scalar gradient stays a scalar through a chain of element-wise rules: fewer arrays).
# `where` is left out: its condition may broadcast the output beyond both inputs.
ELEMENTWISE = frozenset(name for name in (
    "abs", "add", "clamp", "cos", "div", "div_scalar", "exp", "log", "log_sigmoid", "maximum", "minimum",
    "mul", "neg", "pow", "pow_tensor", "reciprocal", "relu", "remainder", "remainder_scalar", "rpow", "rsub",
    "sigmoid", "sigmoid_backward", "sign", "sin", "floor", "ceil", "trunc", "round", "round_decimals", "frac",
    "sqrt", "sub", "tanh", "tanh_backward", "threshold_backward", "sum", "mean",
) if name in REGISTRY)
