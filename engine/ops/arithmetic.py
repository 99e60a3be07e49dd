"""Arithmetic: + - * / ** and %, their forms with a Python number, selecting between values (where, masked_fill,
masked_select, maximum, minimum, clamp), and the fused forms lerp, addcmul and addcdiv. Derivatives follow PyTorch's
derivatives.yaml term by term, so float32 gradients agree with PyTorch's to the last bit and create_graph records
PyTorch's nodes."""

from __future__ import annotations

import math
import operator

import numpy as np

from .. import dtypes, numerics
from ..tensor import array, constant
from .registry import define, vjp
from .shapes import joined_op

__all__ = [
    "ADD",
    "ADDCDIV",
    "ADDCMUL",
    "ADD_SCALAR",
    "CLAMP",
    "CLAMP_MAX",
    "CLAMP_MIN",
    "CLAMP_TENSOR",
    "DIV",
    "DIV_SCALAR",
    "LERP",
    "LERP_TENSOR",
    "MASKED_FILL",
    "MASKED_FILL_TENSOR",
    "MASKED_SCATTER",
    "MASKED_SELECT",
    "MAXIMUM",
    "MINIMUM",
    "MUL",
    "MUL_SCALAR",
    "NEG",
    "POW",
    "POW_TENSOR",
    "RECIPROCAL",
    "REMAINDER",
    "REMAINDER_SCALAR",
    "RPOW",
    "RSUB",
    "SUB",
    "SUB_SCALAR",
    "WHERE",
    "zeros_where",
]


# ---------------------------------------------------------------- choosing between values
WHERE = define(
    "where", "WhereBackward0", elementwise=True,
    forward=lambda x, y, condition: np.where(condition, x, y),
    formula=("result = self where condition else other", r"r = c\ ?\ x : y"),
    self=vjp("grad where condition", r"\bar x = [c]\, \bar r",
             lambda grad, condition: zeros_where(~condition, grad)),
    other=vjp("grad where not condition", r"\bar y = [\lnot c]\, \bar r",
              lambda grad, condition: zeros_where(condition, grad)))


def zeros_where(mask, grad):
    """grad where `mask` (a numpy bool array) is False, +0.0 where it is True. PyTorch masks gradients with
    zeros, never with grad * 0, which would give -0.0 for a negative gradient."""
    return WHERE(constant(np.zeros((), array(grad).dtype)), grad, condition=np.asarray(mask))


MASKED_FILL = define(
    "masked_fill", "MaskedFillBackward0", elementwise=True,
    forward=lambda x, mask, value=0: np.where(mask, np.asarray(value, np.result_type(x)), x),
    formula=("result = self, with value where mask", r"r = [\lnot M]\,x + [M]\,v"),
    self=vjp("grad, 0 where mask", r"\bar x = [\lnot M]\,\bar r",
             lambda grad, mask: MASKED_FILL(grad, mask=mask, value=0)))


def _masked_value_grad(grad, mask):
    # PyTorch: grad.masked_select(mask).sum(), the gradient where the value went
    return MASKED_SELECT(grad, mask=mask).sum()


MASKED_FILL_TENSOR = define(  # masked_fill with a 0-d tensor as the value: a gradient for it too
    "masked_fill_tensor", "MaskedFillBackward1", elementwise=True,
    forward=lambda x, value, mask: np.where(mask, np.asarray(value, np.result_type(x)), x),
    formula=("result = self, with value where mask", r"r = [\lnot M]\,x + [M]\,v"),
    self=vjp("grad, 0 where mask", r"\bar x = [\lnot M]\,\bar r",
             lambda grad, mask: MASKED_FILL(grad, mask=mask, value=0)),
    value=vjp("Σ grad where mask", r"\bar v = \sum_{M} \bar r", _masked_value_grad))


def _masked_select(x, mask):
    x, mask = np.broadcast_arrays(x, mask)
    return x[mask]


def _masked_scatter(x, source, mask):
    out, mask = (np.array(a, copy=True) for a in np.broadcast_arrays(x, mask))
    out[mask] = np.ravel(source)[:int(mask.sum())]
    return out


def _masked_scatter_source(grad, mask, source_shape):
    # PyTorch's masked_scatter_backward: the gradient where the mask is set, in order, zeros for the source's
    # elements left over, viewed as the source
    picked = MASKED_SELECT(grad, mask=mask)
    left = math.prod(source_shape) - picked.numel()
    if left > 0:
        zeros = constant(np.zeros(left, array(grad).dtype))
        picked = joined_op("cat", 2)(picked, zeros, dim=0, sizes=(picked.numel(), left), dtype=array(grad).dtype)
    return picked.view(source_shape)


MASKED_SELECT = define(
    "masked_select", "MaskedSelectBackward0", forward=_masked_select,
    formula=("result = self's elements where mask, in order", r"r = x_{M}"),
    self=vjp("zeros with grad where mask (masked_scatter)", r"\bar x_{M} = \bar r",
             lambda grad, self_shape, mask: MASKED_SCATTER(
                 constant(np.zeros(np.broadcast_shapes(self_shape, np.shape(mask)), array(grad).dtype)), grad,
                 mask=mask)))
MASKED_SCATTER = define(
    "masked_scatter", "MaskedScatterBackward0", forward=_masked_scatter,
    formula=("result = self, with source's elements in order where mask", r"r = x,\ r_{M} = s"),
    self=vjp("grad, 0 where mask", r"\bar x = [\lnot M]\,\bar r",
             lambda grad, mask: MASKED_FILL(grad, mask=mask, value=0)),
    source=vjp("grad where mask, in order, zeros after, viewed as source's shape", r"\bar s = \bar r_{M}",
               _masked_scatter_source))


def _wins(first: bool, greater: bool):
    """maximum/minimum's derivative for one side: the gradient where this side wins, half on ties."""

    def derivative(grad, self, other):
        x, y = array(self), array(other)
        loses = (x < y) if first == greater else (x > y)
        return zeros_where(loses, WHERE(grad / 2, grad, condition=x == y))

    return derivative


MAXIMUM = define(
    "maximum", "MaximumBackward0", elementwise=True, forward=np.maximum,
    formula=("result = maximum(self, other)", r"r = \max(x, y)"),
    self=vjp("grad where self > other, grad / 2 where self == other", r"\bar x = \bar r\, [x\ \text{wins}]",
             _wins(True, True)),
    other=vjp("grad where other > self, grad / 2 where self == other", r"\bar y = \bar r\, [y\ \text{wins}]",
              _wins(False, True)))
MINIMUM = define(
    "minimum", "MinimumBackward0", elementwise=True, forward=np.minimum,
    formula=("result = minimum(self, other)", r"r = \min(x, y)"),
    self=vjp("grad where self < other, grad / 2 where self == other", r"\bar x = \bar r\, [x\ \text{wins}]",
             _wins(True, False)),
    other=vjp("grad where other < self, grad / 2 where self == other", r"\bar y = \bar r\, [y\ \text{wins}]",
              _wins(False, False)))


def _clamp(x, min=None, max=None):
    out = x
    if min is not None:
        out = np.maximum(out, min)
    if max is not None:
        out = np.minimum(out, max)
    return out.astype(x.dtype, copy=False) if isinstance(out, np.ndarray) else out


def _outside(x, min, max):
    """Where x is outside [min, max] (or nan): there clamp's gradient is 0."""
    x = array(x)
    outside = np.zeros(np.shape(x), dtype=bool)
    if min is not None:
        outside |= ~(x >= min)
    if max is not None:
        outside |= ~(x <= max)
    return outside


CLAMP = define(
    "clamp", "ClampBackward1", elementwise=True, forward=_clamp,
    formula=("result = min(max(self, min), max)", r"r = \min(\max(x, a), b)"),
    self=vjp("grad where min ≤ self ≤ max, else 0", r"\bar x = \bar r\, [a \le x \le b]",
             lambda grad, self, min=None, max=None: zeros_where(_outside(self, min, max), grad)))


def _clamp_tensor(x, min=None, max=None):
    """clamp.Tensor: in the bounds' and self's common dtype; a nan bound gives nan, as PyTorch's kernel does."""
    dtype = dtypes.result_np_dtype([a for a in (x, min, max) if a is not None])
    out = np.asarray(x, dtype)
    if min is not None:
        out = np.maximum(out, np.asarray(min, dtype))
    if max is not None:
        out = np.minimum(out, np.asarray(max, dtype))
    return out


def _clamp_tensor_self(grad, self, min=None, max=None):
    # PyTorch's clamp_backward for tensor bounds: the gradient where min <= self <= max
    x, zero = array(self), constant(np.zeros((), array(grad).dtype))
    inside = np.ones(np.shape(x), bool)
    if min is not None:
        inside = inside & (x >= array(min))
    if max is not None:
        inside = inside & (x <= array(max))
    return WHERE(grad, zero, condition=inside)


def _clamp_tensor_bound(lower: bool):
    """clamp_backward_min_max for one bound: the gradient where self lies beyond it (min: unless min >= max;
    max: also where max < min, where max wins)."""

    def derivative(grad, self, min=None, max=None):
        x, zero = array(self), constant(np.zeros((), array(grad).dtype))
        if lower:
            taken = x < array(min)
            if max is not None:
                taken = taken & (array(min) < array(max))
        else:
            taken = x > array(max)
            if min is not None:
                taken = taken | (array(max) < array(min))
        return WHERE(grad, zero, condition=taken)

    return derivative


CLAMP_TENSOR = define(  # clamp with tensor bounds (each may be None: an empty slot in next_functions)
    "clamp_tensor", "ClampBackward0", forward=_clamp_tensor,
    formula=("result = min(max(self, min), max)", r"r = \min(\max(x, a), b)"),
    self=vjp("grad where min ≤ self ≤ max, else 0", r"\bar x = \bar r\, [a \le x \le b]", _clamp_tensor_self),
    min=vjp("grad where self < min (and min < max), else 0", r"\bar a = \bar r\, [x < a < b]",
            _clamp_tensor_bound(lower=True)),
    max=vjp("grad where self > max (or max < min), else 0", r"\bar b = \bar r\, [x > b \lor b < a]",
            _clamp_tensor_bound(lower=False)))


CLAMP_MIN = define(
    "clamp_min", "ClampMinBackward0", elementwise=True, forward=lambda x, min: np.maximum(x, min),
    formula=("result = max(self, min)", r"r = \max(x, a)"),
    self=vjp("grad where self ≥ min, else 0", r"\bar x = \bar r\, [x \ge a]",
             lambda grad, self, min: zeros_where(~(array(self) >= min), grad)))
CLAMP_MAX = define(
    "clamp_max", "ClampMaxBackward0", elementwise=True, forward=lambda x, max: np.minimum(x, max),
    formula=("result = min(self, max)", r"r = \min(x, b)"),
    self=vjp("grad where self ≤ max, else 0", r"\bar x = \bar r\, [x \le b]",
             lambda grad, self, max: zeros_where(~(array(self) <= max), grad)))


# ---------------------------------------------------------------- + - * /
ADD = define(
    "add", "AddBackward0", elementwise=True,
    forward=lambda x, y, alpha=1: x + y if alpha == 1 else numerics.add_scaled(x, y, alpha),
    formula=("result = self + alpha·other", r"r = x + \alpha y"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    other=vjp("alpha·grad", r"\bar y = \alpha \bar r", lambda grad, alpha=1: grad if alpha == 1 else grad * alpha))
SUB = define(
    "sub", "SubBackward0", elementwise=True,
    forward=lambda x, y, alpha=1: x - y if alpha == 1 else numerics.add_scaled(x, y, -alpha),
    formula=("result = self - alpha·other", r"r = x - \alpha y"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    other=vjp("-alpha·grad", r"\bar y = -\alpha \bar r",
              lambda grad, alpha=1: -grad if alpha == 1 else grad * -alpha))
RSUB = define(  # other - alpha * self, with `other` a number
    "rsub", "RsubBackward1", elementwise=True,
    forward=lambda x, other, alpha=1: other - x if alpha == 1 else numerics.add_scaled(other, x, -alpha),
    formula=("result = other - alpha·self", r"r = c - \alpha x"),
    self=vjp("-grad·alpha", r"\bar x = -\alpha \bar r",
             lambda grad, alpha=1: -grad if alpha == 1 else -grad * alpha))
MUL = define(
    "mul", "MulBackward0", elementwise=True, forward=operator.mul,
    formula=("result = self * other", r"r = x \cdot y"),
    self=vjp("grad * other", r"\bar x = \bar r \cdot y", lambda grad, other: grad * other),
    other=vjp("grad * self", r"\bar y = \bar r \cdot x", lambda grad, self: grad * self))
DIV = define(
    "div", "DivBackward0", elementwise=True, forward=operator.truediv,
    formula=("result = self / other", r"r = \frac{x}{y}"),
    self=vjp("grad / other", r"\bar x = \frac{\bar r}{y}", lambda grad, other: grad / other),
    other=vjp("-grad * ((self / other) / other)", r"\bar y = -\frac{\bar r\, x}{y^2}",
              lambda grad, self, other: -grad * ((self / other) / other)))
NEG = define(
    "neg", "NegBackward0", elementwise=True, forward=operator.neg,
    formula=("result = -self", r"r = -x"),
    self=vjp("-grad", r"\bar x = -\bar r", lambda grad: -grad))

# A derivative formula that multiplies by a number (`2 * result`) calls mul with a Scalar in PyTorch: a node of
# its own under create_graph (MulBackward1, not MulBackward0); the same for - and /.
MUL_SCALAR = define(
    "mul_scalar", "MulBackward1", elementwise=True, forward=lambda x, other: x * other,
    formula=("result = self * other (a number)", r"r = c\,x"),
    self=vjp("grad * other", r"\bar x = c\,\bar r", lambda grad, other: grad * other))
ADD_SCALAR = define(
    "add_scalar", "AddBackward1", elementwise=True, forward=lambda x, other: x + other,
    formula=("result = self + other (a number)", r"r = x + c"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad))
SUB_SCALAR = define(
    "sub_scalar", "SubBackward1", elementwise=True, forward=lambda x, other: x - other,
    formula=("result = self - other (a number)", r"r = x - c"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad))
DIV_SCALAR = define(
    "div_scalar", "DivBackward1", elementwise=True, forward=lambda x, other: x / other,
    formula=("result = self / other (a number)", r"r = \frac{x}{c}"),
    self=vjp("grad / other", r"\bar x = \frac{\bar r}{c}", lambda grad, other: grad / other))
RECIPROCAL = define(
    "reciprocal", "ReciprocalBackward0", elementwise=True, forward=lambda x: 1 / x,
    formula=("result = 1 / self", r"r = \frac{1}{x}"),
    self=vjp("-grad * result²", r"\bar x = -\bar r\, r^2", lambda grad, result: -grad * (result * result)))

# ---------------------------------------------------------------- % (the sign of the divisor, as Python's)
REMAINDER_SCALAR = define(
    "remainder_scalar", "RemainderBackward0", elementwise=True, forward=lambda x, other: np.mod(x, other),
    formula=("result = self - other·floor(self / other) (a number)", r"r = x - c\lfloor x / c \rfloor"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad))
REMAINDER = define(
    "remainder", "RemainderBackward1", elementwise=True, forward=np.mod,
    formula=("result = self - other·floor(self / other)", r"r = x - y\lfloor x / y \rfloor"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    other=vjp("-grad * floor(self / other)", r"\bar y = -\bar r \lfloor x / y \rfloor",
              lambda grad, self, other: -grad * constant(np.floor_divide(array(self), array(other)))))


# ---------------------------------------------------------------- powers
def _pow_grad(grad, self, exponent):
    # PyTorch: grad * (exponent * self.pow(exponent - 1)), a Scalar product (MulBackward1, then PowBackward0)
    if exponent == 0:
        return constant(np.zeros(np.shape(array(self)), array(grad).dtype))
    return grad * MUL_SCALAR(self ** (exponent - 1), other=exponent)


POW = define(
    "pow", "PowBackward0", elementwise=True, forward=numerics.power,
    formula=("result = self ** exponent", r"r = x^{p}"),
    self=vjp("grad * exponent * self ** (exponent - 1)", r"\bar x = \bar r\, p\, x^{p-1}", _pow_grad))


def _pow_tensor_self(grad, self, exponent):
    # PyTorch: where(exponent == 0, 0, grad * (exponent * self ** (exponent - 1)))
    power = exponent * self ** SUB_SCALAR(exponent, other=1)
    return zeros_where(array(exponent) == 0, grad * power)


def _pow_tensor_exponent(grad, self, exponent, result):
    # PyTorch: grad * where(self == 0 and exponent >= 0, 0, result * log(self)): no nan from log(0)
    x, e = array(self), array(exponent)
    return grad * zeros_where((x == 0) & (e >= 0), result * self.log())


POW_TENSOR = define(
    "pow_tensor", "PowBackward1", elementwise=True, forward=np.power,
    formula=("result = self ** exponent", r"r = x^{y}"),
    self=vjp("grad * exponent * self ** (exponent - 1)", r"\bar x = \bar r\, y\, x^{y-1}", _pow_tensor_self),
    exponent=vjp("grad * result * log(self), 0 where self == 0 and exponent >= 0", r"\bar y = \bar r\, r \ln x",
                 _pow_tensor_exponent))
RPOW = define(  # base ** self, with `base` a number
    "rpow", "PowBackward2", elementwise=True, forward=lambda x, base: np.power(base, x),
    formula=("result = base ** self", r"r = c^{x}"),
    self=vjp("grad * result * log(base)", r"\bar x = \bar r\, r \ln c",
             lambda grad, result, base: grad * MUL_SCALAR(result, other=float(np.log(base)))))


# ---------------------------------------------------------------- lerp, addcmul, addcdiv: PyTorch's fused kernels
def _lerp(x, end, weight):
    # PyTorch's kernel, one fused multiply-add: self + weight·(end - self) for |weight| < 0.5, else
    # end + (weight - 1)·(end - self)
    dtype = np.result_type(x, end)
    w = dtype.type(weight)
    if abs(w) < 0.5:
        return numerics.fma(w, end - x, x)
    return numerics.fma(w - dtype.type(1), end - x, end)


def _lerp_tensor(x, end, weight):
    small = np.abs(weight) < 0.5
    diff = end - x
    return np.where(small, numerics.fma(weight, diff, x), numerics.fma(weight - 1, diff, end))


def _one_minus(weight):
    """PyTorch's `1 - weight` with a tensor weight: a tensor of ones, minus weight (SubBackward0)."""
    return SUB(constant(np.ones(np.shape(array(weight)), array(weight).dtype)), weight)


LERP = define(
    "lerp", "LerpBackward0", elementwise=True, forward=_lerp,
    formula=("result = self + weight * (end - self)", r"r = x + w\,(y - x)"),
    self=vjp("grad * (1 - weight)", r"\bar x = (1 - w)\,\bar r",
             lambda grad, weight: MUL_SCALAR(grad, other=1 - weight)),
    end=vjp("grad * weight", r"\bar y = w\,\bar r", lambda grad, weight: MUL_SCALAR(grad, other=weight)))
LERP_TENSOR = define(
    "lerp_tensor", "LerpBackward1", elementwise=True, forward=_lerp_tensor,
    formula=("result = self + weight * (end - self)", r"r = x + w\,(y - x)"),
    self=vjp("grad * (1 - weight)", r"\bar x = (1 - w)\,\bar r", lambda grad, weight: grad * _one_minus(weight)),
    end=vjp("grad * weight", r"\bar y = w\,\bar r", lambda grad, weight: grad * weight),
    weight=vjp("grad * (end - self)", r"\bar w = (y - x)\,\bar r", lambda grad, self, end: grad * (end - self)))


def _addcmul(x, tensor1, tensor2, value=1):
    # PyTorch's kernel: self + value·tensor1·tensor2, its last step a fused multiply-add
    dtype = np.result_type(x, tensor1, tensor2)
    return numerics.fma(dtype.type(value) * tensor1, tensor2, x)


def _addcdiv(x, tensor1, tensor2, value=1):
    dtype = np.result_type(x, tensor1, tensor2)
    return x + dtype.type(value) * tensor1 / tensor2


ADDCMUL = define(
    "addcmul", "AddcmulBackward0", elementwise=True, forward=_addcmul,
    formula=("result = self + value * tensor1 * tensor2", r"r = x + c\, a\, b"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    tensor1=vjp("grad * (tensor2 * value)", r"\bar a = \bar r\, c\, b",
                lambda grad, tensor2, value=1: grad * MUL_SCALAR(tensor2, other=value)),
    tensor2=vjp("grad * (tensor1 * value)", r"\bar b = \bar r\, c\, a",
                lambda grad, tensor1, value=1: grad * MUL_SCALAR(tensor1, other=value)))


def _full_like(x, value):
    """PyTorch's `value / tensor` with a number first: a tensor filled with the number (then DivBackward0)."""
    return constant(np.full(np.shape(array(x)), value, array(x).dtype))


ADDCDIV = define(
    "addcdiv", "AddcdivBackward0", elementwise=True, forward=_addcdiv,
    formula=("result = self + value * tensor1 / tensor2", r"r = x + c\, \frac{a}{b}"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    tensor1=vjp("grad * (value / tensor2)", r"\bar a = \bar r\, \frac{c}{b}",
                lambda grad, tensor2, value=1: grad * (_full_like(tensor2, value) / tensor2)),
    tensor2=vjp("-grad * (value * tensor1 / (tensor2 * tensor2))", r"\bar b = -\bar r\, \frac{c\, a}{b^2}",
                lambda grad, tensor1, tensor2, value=1: -grad * (MUL_SCALAR(tensor1, other=value)
                                                                 / (tensor2 * tensor2))))
