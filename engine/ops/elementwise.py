"""Element-wise functions: exp, log, xlogy, the trigonometric family, sigmoid, tanh, relu and the other
activations (softplus, elu, gelu, silu, hardtanh), abs, rounding, and copies.

Forwards take PyTorch's float32 rounding from `engine.numerics`. Where PyTorch's derivative is an op of its own
(`tanh_backward`, `sigmoid_backward`, `threshold_backward`), so is ours: create_graph then records
TanhBackwardBackward0 as PyTorch does."""

from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..grad_mode import is_grad_enabled
from ..tensor import array, constant
from .arithmetic import ADD_SCALAR, MASKED_FILL, MUL_SCALAR
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
    "ELU",
    "ELU_BACKWARD",
    "ERF",
    "EXP",
    "EXP2",
    "EXPM1",
    "FLOOR",
    "FRAC",
    "GELU",
    "GELU_BACKWARD",
    "HARDTANH",
    "HARDTANH_BACKWARD",
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
    "SILU",
    "SIN",
    "SINH",
    "SOFTPLUS",
    "SOFTPLUS_BACKWARD",
    "SQRT",
    "TAN",
    "TANH",
    "TANH_BACKWARD",
    "THRESHOLD_BACKWARD",
    "TO_COPY",
    "TRUNC",
    "XLOGY",
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
def _xlogy(x, y):
    # PyTorch's kernel: nan where other is nan, 0 where self is 0, else self * log(other)
    dtype = np.result_type(x, y)
    product = x * numerics.log(np.asarray(y, dtype))
    return np.where(y != y, dtype.type(np.nan), np.where(x == 0, dtype.type(0), product)).astype(dtype, copy=False)


XLOGY = define(
    "xlogy", "XlogyBackward0", elementwise=True, forward=_xlogy,
    formula=("result = self * log(other), 0 where self is 0", r"r = x \ln y"),
    self=vjp("grad * log(other), 0 where self == 0 and other ≤ 0", r"\bar x = \bar r \ln y",
             lambda grad, self, other: MASKED_FILL(XLOGY(grad, other),
                                                   mask=(array(self) == 0) & (array(other) <= 0), value=0)),
    other=vjp("grad * self / other", r"\bar y = \frac{\bar r\, x}{y}", lambda grad, self, other: grad * self / other))

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

# ---------------------------------------------------------------- softplus, elu, gelu, silu, hardtanh
# Their forwards and backwards are PyTorch's CPU kernels, each one op as in PyTorch (the backward too, whose
# node create_graph records: SoftplusBackwardBackward0, ...), computed through numerics.cpu_kernel: the C
# library's float functions where PyTorch's scalar loop calls them.
def _dtype_of(*arrays):
    return np.result_type(*arrays)


def _softplus(x, beta=1.0, threshold=20.0):
    def formula(fn, x):
        b, t = x.dtype.type(beta), x.dtype.type(threshold)
        return np.where(x * b > t, x, fn.log1p(fn.exp(x * b)) / b)

    return numerics.cpu_kernel(formula, x)


def _softplus_backward(grad_output, x, beta=1.0, threshold=20.0):
    def formula(fn, a, b):
        beta_, t = a.dtype.type(beta), a.dtype.type(threshold)
        z = fn.exp(b * beta_)
        return np.where(b * beta_ > t, a, a * z / (z + 1))

    return numerics.cpu_kernel(formula, grad_output, x)


def _softplus_double_backward(grad, self, grad_output, beta=1.0, threshold=20.0):
    # PyTorch: sigmoid_backward(grad * grad_output, sigmoid(self * beta)) * (self * beta < threshold) * beta
    x = MUL_SCALAR(self, other=beta)
    below = constant((array(x) < threshold).astype(array(grad).dtype))
    return MUL_SCALAR(SIGMOID_BACKWARD(grad * grad_output, x.sigmoid()) * below, other=beta)


SOFTPLUS = define(
    "softplus", "SoftplusBackward0", elementwise=True, forward=_softplus,
    formula=("result = log(1 + exp(beta * self)) / beta (self where beta * self > threshold)",
             r"r = \tfrac{1}{\beta}\ln(1 + e^{\beta x})"),
    self=vjp("grad * sigmoid(beta * self) (grad where beta * self > threshold)",
             r"\bar x = \bar r\, \sigma(\beta x)",
             lambda grad, self, beta=1.0, threshold=20.0: SOFTPLUS_BACKWARD(grad, self, beta=beta,
                                                                            threshold=threshold)))
SOFTPLUS_BACKWARD = define(
    "softplus_backward", "SoftplusBackwardBackward0", elementwise=True, forward=_softplus_backward,
    formula=("result = grad_output * z / (z + 1), z = exp(beta * self) (grad_output past threshold)",
             r"r = \bar y\, \sigma(\beta x)"),
    grad_output=vjp("softplus_backward(grad, self, beta, threshold)", r"\bar{\bar y} = \bar r\, \sigma(\beta x)",
                    lambda grad, self, beta=1.0, threshold=20.0: SOFTPLUS_BACKWARD(grad, self, beta=beta,
                                                                                   threshold=threshold)),
    self=vjp("grad * grad_output * beta * σ'(beta * self) (0 past threshold)",
             r"\bar x = \bar r\, \bar y\, \beta\, \sigma'(\beta x)", _softplus_double_backward))


def _elu_coefficients(dtype, alpha, scale, input_scale):
    t = np.dtype(dtype).type
    return t(alpha) * t(scale), t(scale), t(input_scale)


def _elu(x, alpha=1.0, scale=1.0, input_scale=1.0):
    def formula(fn, x):
        negcoef, poscoef, negiptcoef = _elu_coefficients(x.dtype, alpha, scale, input_scale)
        return np.where(x <= 0, fn.expm1(x * negiptcoef) * negcoef, x * poscoef)

    return numerics.cpu_kernel(formula, x)


def _elu_backward(grad_output, self_or_result, alpha=1.0, scale=1.0, input_scale=1.0, is_result=False):
    def formula(fn, a, b):
        negcoef, poscoef, negiptcoef = _elu_coefficients(a.dtype, alpha, scale, input_scale)
        if is_result:
            return np.where(b <= 0, a * negiptcoef * (b + negcoef), a * poscoef)
        return np.where(b <= 0, a * negiptcoef * negcoef * fn.exp(b * negiptcoef), a * poscoef)

    return numerics.cpu_kernel(formula, grad_output, self_or_result)


def _elu_double_backward(grad, grad_output, self_or_result, alpha=1.0, scale=1.0, input_scale=1.0,
                         is_result=False):
    # PyTorch's elu_double_backward: where self_or_result < 0, the second derivative of the negative branch
    negative = constant((array(self_or_result) < 0).astype(array(grad).dtype))
    if is_result:
        return MUL_SCALAR(grad * grad_output, other=input_scale) * negative
    scaled = MUL_SCALAR(grad * grad_output, other=input_scale)
    return ELU_BACKWARD(scaled, self_or_result, alpha=alpha, scale=scale, input_scale=input_scale,
                        is_result=is_result) * negative


ELU = define(
    "elu", "EluBackward0", elementwise=True, forward=_elu,
    formula=("result = scale * (alpha * (exp(input_scale * self) - 1)) where self ≤ 0, else scale * self",
             r"r = \lambda\,\alpha\,(e^{x} - 1)\ (x \le 0),\ \lambda x"),
    self=vjp("grad * scale * alpha * input_scale * exp(input_scale * self) where self ≤ 0, else grad * scale",
             r"\bar x = \bar r\, \lambda\,\alpha\, e^{x}\ (x \le 0),\ \lambda \bar r",
             lambda grad, self, alpha=1.0, scale=1.0, input_scale=1.0: ELU_BACKWARD(
                 grad, self, alpha=alpha, scale=scale, input_scale=input_scale, is_result=False)))
ELU_BACKWARD = define(
    "elu_backward", "EluBackwardBackward0", elementwise=True, forward=_elu_backward,
    formula=("result = grad_output * elu'(self_or_result) (alpha, scale, input_scale; is_result)",
             r"r = \bar y\, \operatorname{elu}'(x)"),
    grad_output=vjp("elu_backward(grad, self_or_result, alpha, scale, input_scale, is_result)",
                    r"\bar{\bar y} = \bar r\, \operatorname{elu}'(x)",
                    lambda grad, self_or_result, alpha=1.0, scale=1.0, input_scale=1.0, is_result=False: ELU_BACKWARD(
                        grad, self_or_result, alpha=alpha, scale=scale, input_scale=input_scale,
                        is_result=is_result)),
    self_or_result=vjp("grad * grad_output * elu''(self_or_result) where self_or_result < 0 (alpha, scale, "
                       "input_scale, is_result)", r"\bar x = \bar r\, \bar y\, \operatorname{elu}''(x)",
                       _elu_double_backward))

_SQRT_HALF = math.sqrt(0.5)
_GELU_BETA = math.sqrt(2.0) * (2.0 / math.sqrt(math.pi)) * 0.5  # sqrt(2 / pi)
_GELU_KAPPA = 0.044715
_GELU_PDF = (2.0 / math.sqrt(math.pi)) * math.sqrt(0.5) * 0.5  # 1 / sqrt(2 pi)


def _gelu(x, approximate="none"):
    # PyTorch's kernels; its float32 'none' form runs in oneDNN on CPU, whose erf differs from this one's in the
    # last bit for some inputs
    def formula(fn, x):
        t = x.dtype.type
        if approximate == "tanh":
            inner = t(_GELU_BETA) * numerics.fma(t(_GELU_KAPPA), x * x * x, x)
            return t(0.5) * x * (t(1) + fn.tanh(inner))
        return x * t(0.5) * (t(1) + numerics.erf(x * t(_SQRT_HALF)))

    return numerics.cpu_kernel(formula, x)


def _gelu_backward(grad_output, x, approximate="none"):
    def formula(fn, dy, x):
        t = x.dtype.type
        if approximate == "tanh":
            beta, kappa = t(_GELU_BETA), t(_GELU_KAPPA)
            x_sq = x * x
            tanh_inner = fn.tanh(beta * numerics.fma(kappa, x_sq * x, x))
            left, right = t(0.5) * x, t(1) + tanh_inner
            tanh_derivative = numerics.fma(-tanh_inner, tanh_inner, np.ones_like(x))
            inner_derivative = beta * numerics.fma(t(3) * kappa, x_sq, np.ones_like(x))
            return dy * (t(0.5) * right + left * tanh_derivative * inner_derivative)
        cdf = t(0.5) * (t(1) + numerics.erf(x * t(_SQRT_HALF)))
        pdf = t(_GELU_PDF) * fn.exp(x * x * t(-0.5))
        return dy * (cdf + x * pdf)

    return numerics.cpu_kernel(formula, grad_output, x)


def _scalar_minus(value, t):
    """C++'s `number - tensor` in PyTorch's formulas: a tensor filled with the number, minus t (SubBackward0)."""
    return constant(np.full(t.shape, value, array(t).dtype)) - t


def _scalar_over(value, t):
    """C++'s `number / tensor`: a tensor filled with the number, divided by t (DivBackward0)."""
    return constant(np.full(t.shape, value, array(t).dtype)) / t


def _gelu_double_backward(grad, self, grad_output, approximate="none"):
    # PyTorch's gelu_double_backward, term by term (each `number * tensor` a MulBackward1)
    if approximate == "tanh":
        inner = MUL_SCALAR(self + MUL_SCALAR(self ** 3, other=_GELU_KAPPA), other=_GELU_BETA)
        tanh_inner = inner.tanh()
        sech_inner = _scalar_over(1, inner.cosh())
        f = MUL_SCALAR(self, other=0.5)
        g = _scalar_minus(1, tanh_inner * tanh_inner)
        h = MUL_SCALAR(ADD_SCALAR(MUL_SCALAR(self, other=3 * _GELU_KAPPA) * self, other=1), other=_GELU_BETA)
        f_prime_gh = MUL_SCALAR(g, other=0.5) * h
        g_prime = MUL_SCALAR(sech_inner, other=2) * (-sech_inner * tanh_inner) * h
        g_prime_fh = f * h * g_prime
        h_prime_fg = f * g * MUL_SCALAR(MUL_SCALAR(self, other=6 * _GELU_KAPPA), other=_GELU_BETA)
        return grad * grad_output * (f_prime_gh + f_prime_gh + g_prime_fh + h_prime_fg)
    input_sq = self * self
    pdf = MUL_SCALAR(MUL_SCALAR(input_sq, other=-0.5).exp(), other=_GELU_PDF)
    return grad * grad_output * (MUL_SCALAR(pdf, other=2) - input_sq * pdf)


GELU = define(
    "gelu", "GeluBackward0", elementwise=True, forward=_gelu,
    formula=("result = self * Φ(self), the normal distribution's CDF (or its tanh form: approximate)",
             r"r = x\, \Phi(x)"),
    self=vjp("gelu_backward(grad, self, approximate)", r"\bar x = \bar r\,(\Phi(x) + x\,\varphi(x))",
             lambda grad, self, approximate="none": GELU_BACKWARD(grad, self, approximate=approximate)))
GELU_BACKWARD = define(
    "gelu_backward", "GeluBackwardBackward0", elementwise=True, forward=_gelu_backward,
    formula=("result = grad_output * (Φ(self) + self * φ(self)) (approximate: the tanh form's)",
             r"r = \bar y\,(\Phi(x) + x\,\varphi(x))"),
    grad_output=vjp("gelu_backward(grad, self, approximate)", r"\bar{\bar y} = \bar r\,(\Phi(x) + x\,\varphi(x))",
                    lambda grad, self, approximate="none": GELU_BACKWARD(grad, self, approximate=approximate)),
    self=vjp("grad * grad_output * gelu''(self) (approximate: the tanh form's)",
             r"\bar x = \bar r\, \bar y\, (2\varphi(x) - x^2 \varphi(x))", _gelu_double_backward))


def _silu(x):
    return x / (1 + numerics.exp(-x))


def _silu_backward(grad, self):
    # PyTorch: its silu_backward kernel (a fused multiply-add inside) where no graph is recorded; under
    # create_graph the same formula in ops, grad * sigmoid * (1 + self * (1 - sigmoid)), differentiable again
    if is_grad_enabled():
        sigmoid = self.sigmoid()
        return grad * sigmoid * ADD_SCALAR(self * _scalar_minus(1.0, sigmoid), other=1.0)
    x, dy = array(self), array(grad)
    sigmoid = 1 / (1 + numerics.exp(-x))
    return constant(dy * sigmoid * numerics.fma(x, 1 - sigmoid, np.ones_like(sigmoid)))


SILU = define(
    "silu", "SiluBackward0", elementwise=True, forward=_silu,
    formula=("result = self * sigmoid(self)", r"r = x\, \sigma(x)"),
    self=vjp("grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))",
             r"\bar x = \bar r\, \sigma(x)\,(1 + x\,(1 - \sigma(x)))", _silu_backward))


def _hardtanh_backward(grad_output, x, min_val=-1.0, max_val=1.0):
    return np.where((x <= min_val) | (x >= max_val), np.zeros((), np.result_type(grad_output)), grad_output)


HARDTANH = define(
    "hardtanh", "HardtanhBackward0", elementwise=True,
    forward=lambda x, min_val=-1.0, max_val=1.0: np.minimum(np.maximum(x, min_val), max_val).astype(
        np.result_type(x), copy=False),
    formula=("result = min(max(self, min_val), max_val)", r"r = \min(\max(x, a), b)"),
    self=vjp("grad where min_val < self < max_val, else 0", r"\bar x = \bar r\, [a < x < b]",
             lambda grad, self, min_val=-1.0, max_val=1.0: HARDTANH_BACKWARD(grad, self, min_val=min_val,
                                                                              max_val=max_val)))
HARDTANH_BACKWARD = define(
    "hardtanh_backward", "HardtanhBackwardBackward0", elementwise=True, forward=_hardtanh_backward,
    formula=("result = grad_output where min_val < self < max_val, else 0", r"r = \bar y\, [a < x < b]"),
    grad_output=vjp("grad where min_val < self < max_val, else 0", r"\bar{\bar y} = \bar r\, [a < x < b]",
                    lambda grad, self, min_val=-1.0, max_val=1.0: HARDTANH_BACKWARD(grad, self, min_val=min_val,
                                                                                     max_val=max_val)),
    self=vjp("0", r"\bar x = 0", lambda grad, self_shape: _zeros_like(grad, self_shape)))


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
