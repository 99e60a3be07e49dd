"""Arithmetic: + - * / ** and %, their forms with a Python number, and selecting between values (where,
maximum, minimum, clamp). Derivatives follow PyTorch's derivatives.yaml term by term, so float32 gradients
agree with PyTorch's to the last bit and create_graph records PyTorch's nodes."""

from __future__ import annotations

import operator

import numpy as np

from .. import numerics
from ..tensor import array, constant
from .registry import define, vjp

__all__ = ["ADD", "CLAMP", "DIV", "DIV_SCALAR", "MASKED_FILL", "MAXIMUM", "MINIMUM", "MUL", "MUL_SCALAR", "NEG",
           "POW", "POW_TENSOR", "RECIPROCAL", "REMAINDER", "REMAINDER_SCALAR", "RPOW", "RSUB", "SUB",
           "SUB_SCALAR", "WHERE", "zeros_where"]


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
    self=vjp("grad, 0 where mask", r"\bar x = [\lnot M]\,\bar r", lambda grad, mask: zeros_where(mask, grad)))


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
