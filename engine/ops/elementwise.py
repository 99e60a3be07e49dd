"""Element-wise functions: exp, log, the trigonometric family, sigmoid, tanh, relu, abs, rounding, and copies.

Forwards take PyTorch's float32 rounding from `engine.numerics`. Where PyTorch's derivative is an op of its own
(`tanh_backward`, `sigmoid_backward`, `threshold_backward`), so is ours: create_graph then records
TanhBackwardBackward0 as PyTorch does."""

from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..tensor import array, constant
from .arithmetic import MASKED_FILL, MUL_SCALAR
from .registry import define, vjp

__all__ = [
    "ABS",
    "ACOS",
    "ASIN",
    "ATAN",
    "ATAN2",
    "CEIL",
    "CLONE",
    "COPY",
    "COS",
    "COSH",
    "ERF",
    "EXP",
    "EXP2",
    "EXPM1",
    "FLOOR",
    "FRAC",
    "LEAKY_RELU",
    "LEAKY_RELU_BACKWARD",
    "LOG",
    "LOG1P",
    "LOG2",
    "LOG10",
    "LOG_SIGMOID",
    "LOG_SIGMOID_BACKWARD",
    "RELU",
    "ROUND",
    "ROUND_DECIMALS",
    "RSQRT",
    "SGN",
    "SIGMOID",
    "SIGMOID_BACKWARD",
    "SIGN",
    "SIN",
    "SINH",
    "SQRT",
    "TAN",
    "TANH",
    "TANH_BACKWARD",
    "THRESHOLD_BACKWARD",
    "TO_COPY",
    "TRUNC",
]

_LN2, _LN10 = 0.6931471805599453, 2.3025850929940456


def _zeros_like(grad, shape=None):
    """The gradient of a piecewise-constant op (sign, floor, ...): zeros (of grad's shape, or `shape`) in
    grad's dtype, as PyTorch's formulas give."""
    return constant(np.zeros(np.shape(array(grad)) if shape is None else shape, array(grad).dtype))


# ---------------------------------------------------------------- exp, log, powers of e
EXP = define(
    "exp", "ExpBackward0", elementwise=True, forward=numerics.exp,
    formula=("result = exp(self)", r"r = e^{x}"),
    self=vjp("grad * result", r"\bar x = \bar r\, r", lambda grad, result: grad * result))
LOG = define(
    "log", "LogBackward0", elementwise=True, forward=numerics.log,
    formula=("result = log(self)", r"r = \ln x"),
    self=vjp("grad / self", r"\bar x = \frac{\bar r}{x}", lambda grad, self: grad / self))
SQRT = define(
    "sqrt", "SqrtBackward0", elementwise=True, forward=np.sqrt,
    formula=("result = sqrt(self)", r"r = \sqrt{x}"),
    self=vjp("grad / (2 * result)", r"\bar x = \frac{\bar r}{2r}",
             lambda grad, result: grad / MUL_SCALAR(result, other=2)))
LOG1P = define(
    "log1p", "Log1PBackward0", elementwise=True, forward=numerics.log1p,
    formula=("result = log(1 + self)", r"r = \ln(1 + x)"),
    self=vjp("grad / (self + 1)", r"\bar x = \frac{\bar r}{x + 1}", lambda grad, self: grad / (self + 1)))
EXPM1 = define(
    "expm1", "Expm1Backward0", elementwise=True, forward=numerics.expm1,
    formula=("result = exp(self) - 1", r"r = e^{x} - 1"),
    self=vjp("grad * (result + 1)", r"\bar x = \bar r\,(r + 1)", lambda grad, result: grad * (result + 1)))
LOG2 = define(
    "log2", "Log2Backward0", elementwise=True, forward=numerics.log2,
    formula=("result = log2(self)", r"r = \log_2 x"),
    self=vjp("grad / (self * ln 2)", r"\bar x = \frac{\bar r}{x \ln 2}",
             lambda grad, self: grad / MUL_SCALAR(self, other=_LN2)))
LOG10 = define(
    "log10", "Log10Backward0", elementwise=True, forward=numerics.log10,
    formula=("result = log10(self)", r"r = \log_{10} x"),
    self=vjp("grad / (self * ln 10)", r"\bar x = \frac{\bar r}{x \ln 10}",
             lambda grad, self: grad / MUL_SCALAR(self, other=_LN10)))
EXP2 = define(
    "exp2", "Exp2Backward0", elementwise=True, forward=numerics.exp2,
    formula=("result = 2 ** self", r"r = 2^{x}"),
    self=vjp("grad * result * ln 2", r"\bar x = \bar r\, r \ln 2",
             lambda grad, result: MUL_SCALAR(grad * result, other=_LN2)))
RSQRT = define(
    "rsqrt", "RsqrtBackward0", elementwise=True, forward=numerics.rsqrt,
    formula=("result = 1 / sqrt(self)", r"r = \frac{1}{\sqrt{x}}"),
    self=vjp("-0.5 * grad * result³", r"\bar x = -\tfrac{1}{2}\,\bar r\, r^3",
             lambda grad, result: MUL_SCALAR(grad, other=-0.5) * result ** 3))

# ---------------------------------------------------------------- trigonometric and hyperbolic
SIN = define(
    "sin", "SinBackward0", elementwise=True, forward=numerics.sin,
    formula=("result = sin(self)", r"r = \sin x"),
    self=vjp("grad * cos(self)", r"\bar x = \bar r \cos x", lambda grad, self: grad * self.cos()))
COS = define(
    "cos", "CosBackward0", elementwise=True, forward=numerics.cos,
    formula=("result = cos(self)", r"r = \cos x"),
    self=vjp("grad * -sin(self)", r"\bar x = -\bar r \sin x", lambda grad, self: grad * -self.sin()))
TAN = define(
    "tan", "TanBackward0", elementwise=True, forward=numerics.tan,
    formula=("result = tan(self)", r"r = \tan x"),
    self=vjp("grad * (1 + result²)", r"\bar x = \bar r\,(1 + r^2)", lambda grad, result: grad * (result ** 2 + 1)))
ASIN = define(
    "asin", "AsinBackward0", elementwise=True, forward=numerics.asin,
    formula=("result = asin(self)", r"r = \arcsin x"),
    self=vjp("grad / sqrt(1 - self²)", r"\bar x = \frac{\bar r}{\sqrt{1 - x^2}}",
             lambda grad, self: grad * (-self * self + 1).rsqrt()))
ACOS = define(
    "acos", "AcosBackward0", elementwise=True, forward=numerics.acos,
    formula=("result = acos(self)", r"r = \arccos x"),
    self=vjp("-grad / sqrt(1 - self²)", r"\bar x = -\frac{\bar r}{\sqrt{1 - x^2}}",
             lambda grad, self: grad * -(-self * self + 1).rsqrt()))
ATAN = define(
    "atan", "AtanBackward0", elementwise=True, forward=numerics.atan,
    formula=("result = atan(self)", r"r = \arctan x"),
    self=vjp("grad / (self² + 1)", r"\bar x = \frac{\bar r}{x^2 + 1}", lambda grad, self: grad / (self * self + 1)))
SINH = define(
    "sinh", "SinhBackward0", elementwise=True, forward=numerics.sinh,
    formula=("result = sinh(self)", r"r = \sinh x"),
    self=vjp("grad * cosh(self)", r"\bar x = \bar r \cosh x", lambda grad, self: grad * self.cosh()))
COSH = define(
    "cosh", "CoshBackward0", elementwise=True, forward=numerics.cosh,
    formula=("result = cosh(self)", r"r = \cosh x"),
    self=vjp("grad * sinh(self)", r"\bar x = \bar r \sinh x", lambda grad, self: grad * self.sinh()))



def _atan2_reciprocal(self, other):
    # PyTorch's atan2_backward: 1 / (self² + other²), 0 where that sum is 0 (its reciprocal would be inf)
    total = self * self + other * other
    return MASKED_FILL(total.reciprocal(), mask=array(total) == 0, value=0)


ATAN2 = define(
    "atan2", "Atan2Backward0", elementwise=True, forward=numerics.atan2,
    formula=("result = atan2(self, other), the angle of the point (other, self)", r"r = \operatorname{atan2}(y, x)"),
    self=vjp("grad * other / (self² + other²)", r"\bar y = \frac{\bar r\, x}{x^2 + y^2}",
             lambda grad, self, other: grad * other * _atan2_reciprocal(self, other)),
    other=vjp("grad * -self / (self² + other²)", r"\bar x = -\frac{\bar r\, y}{x^2 + y^2}",
              lambda grad, self, other: grad * -self * _atan2_reciprocal(self, other)))
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
ERF = define(
    "erf", "ErfBackward0", elementwise=True, forward=numerics.erf,
    formula=("result = erf(self) = 2/√π ∫₀^self exp(-t²) dt", r"r = \operatorname{erf}(x)"),
    self=vjp("2/√π * exp(-self²) * grad", r"\bar x = \tfrac{2}{\sqrt{\pi}} e^{-x^2}\, \bar r",
             lambda grad, self: MUL_SCALAR((-(self ** 2)).exp(), other=_TWO_OVER_SQRT_PI) * grad))

# tanh' = 1 - tanh², with the result saved
TANH = define(
    "tanh", "TanhBackward0", elementwise=True, forward=numerics.tanh,
    formula=("result = tanh(self)", r"r = \tanh x"),
    self=vjp("grad * (1 - result²)", r"\bar x = \bar r (1 - r^2)",
             lambda grad, result: TANH_BACKWARD(grad, result)))
TANH_BACKWARD = define(
    "tanh_backward", "TanhBackwardBackward0", elementwise=True,
    forward=lambda grad_output, output: grad_output * (1 - output * output),
    formula=("result = grad_output * (1 - output²)", r"r = \bar y (1 - y^2)"),
    grad_output=vjp("grad * (1 - output²)", r"\bar{\bar y} = \bar r (1 - y^2)",
                    lambda grad, output: TANH_BACKWARD(grad, output)),
    output=vjp("grad * (-2 * output * grad_output)", r"\bar y = -2 \bar r\, y\, \bar y",
               lambda grad, output, grad_output: grad * (-2 * output * grad_output)))

# ---------------------------------------------------------------- activations
SIGMOID = define(
    "sigmoid", "SigmoidBackward0", elementwise=True, forward=numerics.sigmoid,
    formula=("result = 1 / (1 + exp(-self))", r"r = \sigma(x) = \frac{1}{1+e^{-x}}"),
    self=vjp("grad * (1 - result) * result", r"\bar x = \bar r\, (1 - r)\, r",
             lambda grad, result: SIGMOID_BACKWARD(grad, result)))
SIGMOID_BACKWARD = define(
    "sigmoid_backward", "SigmoidBackwardBackward0", elementwise=True,
    forward=lambda grad_output, output: grad_output * (1 - output) * output,
    formula=("result = grad_output * (1 - output) * output", r"r = \bar y (1 - y) y"),
    grad_output=vjp("grad * (1 - output) * output", r"\bar{\bar y} = \bar r (1 - y) y",
                    lambda grad, output: SIGMOID_BACKWARD(grad, output)),
    output=vjp("grad * grad_output * (1 - 2·output)", r"\bar y = \bar r\, \bar y\, (1 - 2y)",
               lambda grad, output, grad_output: grad * grad_output * (-2 * output + 1)))
RELU = define(
    "relu", "ReluBackward0", elementwise=True,
    forward=lambda x: np.maximum(x, 0).astype(np.result_type(x), copy=False),
    formula=("result = max(self, 0)", r"r = \max(x, 0)"),
    self=vjp("grad where result > 0, else 0", r"\bar x = \bar r\, [r > 0]",
             lambda grad, result: THRESHOLD_BACKWARD(grad, result, threshold=0)))
THRESHOLD_BACKWARD = define(
    "threshold_backward", "ThresholdBackwardBackward0", elementwise=True,
    forward=lambda grad_output, x, threshold: np.where(x <= threshold, np.zeros((), grad_output.dtype), grad_output),
    formula=("result = grad_output where self > threshold, else 0", r"r = \bar y\, [x > t]"),
    grad_output=vjp("grad where self > threshold", r"\bar{\bar y} = \bar r\, [x > t]",
                    lambda grad, self, threshold: THRESHOLD_BACKWARD(grad, self, threshold=threshold)),
    self=vjp("0", r"\bar x = 0", lambda grad, self_shape: _zeros_like(grad, self_shape)))


def _leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, x * np.result_type(x).type(negative_slope))


LEAKY_RELU = define(
    "leaky_relu", "LeakyReluBackward0", elementwise=True, forward=_leaky_relu,
    formula=("result = self where self > 0, else negative_slope * self", r"r = \max(x, 0) + s \min(x, 0)"),
    self=vjp("grad where self > 0, else negative_slope * grad", r"\bar x = \bar r\, [x > 0] + s\,\bar r\, [x \le 0]",
             lambda grad, self, negative_slope=0.01: LEAKY_RELU_BACKWARD(grad, self, negative_slope=negative_slope)))
LEAKY_RELU_BACKWARD = define(
    "leaky_relu_backward", "LeakyReluBackwardBackward0", elementwise=True,
    forward=lambda grad_output, x, negative_slope: np.where(
        x > 0, grad_output, grad_output * np.result_type(grad_output).type(negative_slope)),
    formula=("result = grad_output where self > 0, else negative_slope * grad_output",
             r"r = \bar y\, [x > 0] + s\,\bar y\, [x \le 0]"),
    grad_output=vjp("grad where self > 0, else negative_slope * grad",
                    r"\bar{\bar y} = \bar r\, [x > 0] + s\,\bar r\, [x \le 0]",
                    lambda grad, self, negative_slope: LEAKY_RELU_BACKWARD(grad, self, negative_slope=negative_slope)),
    self=vjp("0", r"\bar x = 0", lambda grad, self_shape: _zeros_like(grad, self_shape)))


def _log_sigmoid_backward(grad_output, x):
    # PyTorch's kernel: grad * (max_deriv - sign * z / (1 + z)), z = exp(-|x|),
    # (max_deriv, sign) = (1, 1) where x < 0, else (0, -1)
    z = numerics.exp(-np.abs(x))
    negative = x < 0
    dtype = np.result_type(x)
    local = np.where(negative, 1, 0).astype(dtype) - np.where(negative, 1, -1).astype(dtype) * (z / (1 + z))
    return grad_output * local


LOG_SIGMOID = define(
    "log_sigmoid", "LogSigmoidBackward0", elementwise=True, forward=numerics.log_sigmoid,
    formula=("result = log(sigmoid(self))", r"r = \ln \sigma(x)"),
    self=vjp("grad * (1 - sigmoid(self))", r"\bar x = \bar r (1 - \sigma(x))",
             lambda grad, self: LOG_SIGMOID_BACKWARD(grad, self)))
LOG_SIGMOID_BACKWARD = define(
    "log_sigmoid_backward", "LogSigmoidBackwardBackward0", elementwise=True, forward=_log_sigmoid_backward,
    formula=("result = grad_output * (1 - sigmoid(self))", r"r = \bar y\,(1 - \sigma(x))"),
    grad_output=vjp("grad * (1 - sigmoid(self))", r"\bar{\bar y} = \bar r (1 - \sigma(x))",
                    lambda grad, self: LOG_SIGMOID_BACKWARD(grad, self)),
    self=vjp("grad * grad_output * (sigmoid(self) - 1) * sigmoid(self)",
             r"\bar x = \bar r\, \bar y\, (\sigma - 1)\sigma",
             lambda grad, self, grad_output: _log_sigmoid_double_backward(grad, self, grad_output)))


def _log_sigmoid_double_backward(grad, self, grad_output):
    # PyTorch's log_sigmoid_double_backward: grad * grad_output * (z - 1) * z, z = sigmoid(self)
    z = self.sigmoid()
    return grad * grad_output * (z - 1) * z

# ---------------------------------------------------------------- sign, absolute value, rounding: flat pieces


def _sign(x):
    """np.sign, except that PyTorch's sign of nan is 0."""
    out = np.sign(x)
    if np.result_type(out).kind == "f":
        out = np.where(out != out, np.result_type(out).type(0), out)
    return out


SGN = define(
    "sgn", "SgnBackward0", elementwise=True, forward=_sign,
    formula=("result = sign(self)", r"r = \operatorname{sign}(x)"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
SIGN = define(
    "sign", "SignBackward0", elementwise=True, forward=_sign,
    formula=("result = sign(self)", r"r = \operatorname{sign}(x)"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
ABS = define(
    "abs", "AbsBackward0", elementwise=True, forward=np.abs,
    formula=("result = |self|", r"r = |x|"),
    self=vjp("grad * sign(self)", r"\bar x = \bar r\, \operatorname{sign}(x)", lambda grad, self: grad * SGN(self)))
FLOOR = define(
    "floor", "FloorBackward0", elementwise=True, forward=np.floor,
    formula=("result = floor(self)", r"r = \lfloor x \rfloor"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
CEIL = define(
    "ceil", "CeilBackward0", elementwise=True, forward=np.ceil,
    formula=("result = ceil(self)", r"r = \lceil x \rceil"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
TRUNC = define(
    "trunc", "TruncBackward0", elementwise=True, forward=np.trunc,
    formula=("result = trunc(self)", r"r = \operatorname{trunc}(x)"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))


def _round(x, decimals=None):
    """PyTorch's round: half to even; with decimals, x * 10**decimals rounded and divided back, in x's dtype."""
    if decimals is None:
        return np.rint(x)
    scale = np.asarray(x).dtype.type(10.0 ** abs(decimals))
    return np.rint(x / scale) * scale if decimals < 0 else np.rint(x * scale) / scale


ROUND = define(
    "round", "RoundBackward0", elementwise=True, forward=_round,
    formula=("result = round(self) (half to even)", r"r = \operatorname{round}(x)"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
ROUND_DECIMALS = define(
    "round_decimals", "RoundBackward1", elementwise=True, forward=_round,
    formula=("result = round(self · 10^decimals) / 10^decimals", r"r = \operatorname{round}(10^{d} x) / 10^{d}"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)))
FRAC = define(
    "frac", "FracBackward0", elementwise=True, forward=lambda x: x - np.trunc(x),
    formula=("result = self - trunc(self)", r"r = x - \operatorname{trunc}(x)"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad))

# ---------------------------------------------------------------- copies
CLONE = define(  # (memory_format="contiguous": the copy in row-major order, as x.contiguous() makes it)
    "clone", "CloneBackward0",
    forward=lambda x, memory_format=None: np.array(x, copy=True, order="C" if memory_format else "K"),
    formula=("result = self (a copy)", r"r = x"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad))
TO_COPY = define(  # the backward pass converts the gradient back to the input's dtype
    "to_copy", "ToCopyBackward0", forward=lambda x, dtype: np.asarray(x, dtype=dtype),
    formula=("result = self converted to dtype", r"r = x"),
    self=vjp("grad (converted back)", r"\bar x = \bar r", lambda grad: grad))


def _copy(x, src):
    out = np.empty_like(x)
    out[...] = src
    return out


COPY = define(  # new_empty(...).copy_(src): how a first gradient reaches .grad under create_graph
    "copy_", "CopyBackwards", forward=_copy,
    formula=("self[...] = src", r"x \leftarrow y"),
    self=vjp("0", r"\bar x = 0", lambda grad: _zeros_like(grad)),
    src=vjp("grad", r"\bar y = \bar r", lambda grad: grad))
