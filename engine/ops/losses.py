"""Losses and the softmax family of torch.nn.functional, each one PyTorch node. Forwards and derivatives follow
PyTorch's kernels term by term, so float32 results agree to the last bit; where PyTorch's derivative is an
op of its own (`mse_loss_backward`, `softmax_backward_data`), so is ours, for PyTorch's nodes under
create_graph."""

from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..tensor import array, constant
from .arithmetic import DIV_SCALAR, MUL_SCALAR
from .elementwise import LOG_SIGMOID
from .registry import define, vjp
from .shapes import INDEX_PUT

__all__ = ["BINARY_CROSS_ENTROPY", "BINARY_CROSS_ENTROPY_WITH_LOGITS", "HUBER_LOSS", "HUBER_LOSS_BACKWARD",
           "LOG_SOFTMAX", "LOG_SOFTMAX_BACKWARD_DATA", "MSE_LOSS", "MSE_LOSS_BACKWARD", "NLL_LOSS", "SMOOTH_L1_LOSS",
           "SMOOTH_L1_LOSS_BACKWARD", "SOFTMAX", "SOFTMAX_BACKWARD_DATA"]


def _reduce(loss, reduction):
    if reduction == "mean":
        return numerics.torch_mean(loss)
    if reduction == "sum":
        return numerics.torch_sum(loss)
    return loss


def _scaled(grad_input, n, reduction):
    """The last step of PyTorch's loss backwards: divide by the number of elements for `mean`."""
    return DIV_SCALAR(grad_input, other=n) if reduction == "mean" else grad_input


# ---------------------------------------------------------------- binary cross-entropy
def _bce_with_logits(x, y, weight=None, pos_weight=None, reduction="mean"):
    y = np.asarray(y, dtype=x.dtype)
    log_sig = numerics.log_sigmoid(x)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * y + 1)
    loss = (1 - y) * x - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_with_logits_self(grad, self, target, weight=None, pos_weight=None, reduction="mean"):
    if pos_weight is None:
        grad_input = (self.sigmoid() - target) * grad
    else:
        t = constant(pos_weight) * target
        grad_input = ((t + 1 - target) * self.sigmoid() - t) * grad
    if weight is not None:
        grad_input = grad_input * constant(weight)
    return _scaled(grad_input, self.numel(), reduction)


def _bce_with_logits_target(grad, self, weight=None, pos_weight=None, reduction="mean"):
    if pos_weight is None:
        grad_target = -self * grad
    else:
        grad_target = (LOG_SIGMOID(-self) - LOG_SIGMOID(self) * constant(pos_weight)) * grad
    if weight is not None:
        grad_target = grad_target * constant(weight)
    return _scaled(grad_target, self.numel(), reduction)


BINARY_CROSS_ENTROPY_WITH_LOGITS = define(
    "binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0", forward=_bce_with_logits,
    formula=("result = mean((1 - target)·self - log σ(self))",
             r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln\sigma(z_i) + (1-y_i)\ln(1-\sigma(z_i))\right]"),
    self=vjp("(σ(self) - target) * grad / n", r"\bar z_i = \frac{\bar\ell}{n}(\sigma(z_i) - y_i)",
             _bce_with_logits_self),
    target=vjp("-self * grad / n", r"\bar y_i = -\frac{\bar\ell}{n} z_i", _bce_with_logits_target))


def _bce(x, y, weight=None, reduction="mean"):
    if np.any(~((x >= 0) & (x <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    y = np.asarray(y, dtype=x.dtype)
    with np.errstate(divide="ignore"):
        log_1mx = np.maximum(numerics.log1p(-x), -100)
        log_x = np.maximum(numerics.log(x), -100)
    loss = (y - 1) * log_1mx - y * log_x
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_self(grad, self, target, weight=None, reduction="mean"):
    # PyTorch: grad * (self - target) / max((1 - self) * self, 1e-12)
    x = array(self)
    denominator = constant(np.maximum((1 - x) * x, x.dtype.type(1e-12)))
    grad_input = grad * (self - target) / denominator
    if weight is not None:
        grad_input = grad_input * constant(weight)
    return _scaled(grad_input, self.numel(), reduction)


def _bce_target(grad, self, weight=None, reduction="mean"):
    # PyTorch: -logit(self) * grad
    grad_target = -(self / (1 - self)).log() * grad
    if weight is not None:
        grad_target = grad_target * constant(weight)
    return _scaled(grad_target, self.numel(), reduction)


BINARY_CROSS_ENTROPY = define(
    "binary_cross_entropy", "BinaryCrossEntropyBackward0", forward=_bce,
    formula=("result = mean(-(target·log(self) + (1-target)·log(1-self)))",
             r"\ell = \frac{1}{n}\sum_i -\left[y_i \ln p_i + (1-y_i)\ln(1-p_i)\right]"),
    self=vjp("grad * (self - target) / (self·(1-self)) / n",
             r"\bar p_i = \frac{\bar\ell}{n}\frac{p_i - y_i}{p_i(1-p_i)}", _bce_self),
    target=vjp("-grad * log(self / (1 - self)) / n", r"\bar y_i = -\frac{\bar\ell}{n}\ln\frac{p_i}{1-p_i}",
               _bce_target))


# ---------------------------------------------------------------- mean squared error
def _mse(x, y, reduction="mean"):
    d = x - y
    return _reduce(d * d, reduction)


def _mse_backward(grad_output, first, second, reduction="mean"):
    # PyTorch's kernel: alpha * (first - second) * grad, alpha = 2 / n for `mean`, else 2
    alpha = 2.0 / math.prod(np.shape(first)) if reduction == "mean" else 2.0
    return alpha * (first - second) * grad_output


def _mse_twice(grad, shape, reduction):
    """PyTorch's mse_loss_double_backward: 2 * grad, / numel for `mean`."""
    twice = MUL_SCALAR(grad, other=2)
    return DIV_SCALAR(twice, other=math.prod(shape)) if reduction == "mean" else twice


def _mse_backward_grad_output(grad, self, target, grad_output_shape, reduction="mean"):
    if reduction == "none":
        return MSE_LOSS_BACKWARD(grad, self, target, reduction="none")
    ones = constant(np.ones(grad_output_shape, array(self).dtype))
    return (MSE_LOSS_BACKWARD(ones, self, target, reduction=reduction) * grad).sum()


MSE_LOSS_BACKWARD = define(
    "mse_loss_backward", "MseLossBackwardBackward0", forward=_mse_backward,
    formula=("result = (2/n) * (self - target) * grad_output", r"r = \tfrac{2}{n}(x - y)\,\bar\ell"),
    grad_output=vjp("Σ grad * (2/n)(self - target)", r"\bar{\bar\ell} = \sum \bar r\,\tfrac{2}{n}(x - y)",
                    _mse_backward_grad_output),
    self=vjp("(2/n) * grad * grad_output", r"\bar x = \tfrac{2}{n}\bar r\,\bar\ell",
             lambda grad, grad_output, self_shape, reduction="mean": _mse_twice(grad * grad_output, self_shape,
                                                                               reduction)),
    target=vjp("-(2/n) * grad * grad_output", r"\bar y = -\tfrac{2}{n}\bar r\,\bar\ell",
               lambda grad, grad_output, target_shape, reduction="mean": -_mse_twice(grad * grad_output,
                                                                                    target_shape, reduction)))
MSE_LOSS = define(
    "mse_loss", "MseLossBackward0", forward=_mse,
    formula=("result = mean((self - target)²)", r"\ell = \frac{1}{n}\sum_i (x_i - y_i)^2"),
    self=vjp("(2/n) * (self - target) * grad", r"\bar x_i = \frac{2}{n}(x_i - y_i)\bar\ell",
             lambda grad, self, target, reduction="mean": MSE_LOSS_BACKWARD(grad, self, target, reduction=reduction)),
    target=vjp("(2/n) * (target - self) * grad", r"\bar y_i = \frac{2}{n}(y_i - x_i)\bar\ell",
               lambda grad, self, target, reduction="mean": MSE_LOSS_BACKWARD(grad, target, self,
                                                                              reduction=reduction)))


# ---------------------------------------------------------------- softmax and log-softmax
def _softmax(x, dim):
    e = numerics.exp(x - np.max(x, axis=dim, keepdims=True))
    total = numerics.running_total(e, dim)
    # the last-dim kernel multiplies by the reciprocal, the others divide
    return e * (1 / total) if dim in (-1, np.ndim(x) - 1) else e / total


def _log_softmax(x, dim):
    shifted = x - np.max(x, axis=dim, keepdims=True)
    return shifted - numerics.log(numerics.running_total(numerics.exp(shifted), dim))


def _softmax_backward(grad_output, output, dim):
    grad_output, output = np.asarray(grad_output), np.asarray(output)
    return output * (grad_output - numerics.softmax_dot(grad_output, output, dim))


def _softmax_double_backward(grad, grad_output, output, dim):
    # PyTorch's softmax_double_backward: grad_output * grad - Σ(output * grad_output) * grad
    #                                    - grad_output * Σ(output * grad)
    return (grad_output * grad - (output * grad_output).sum(dim, keepdim=True) * grad
            - grad_output * (output * grad).sum(dim, keepdim=True))


SOFTMAX_BACKWARD_DATA = define(
    "softmax_backward_data", "SoftmaxBackwardDataBackward0", forward=_softmax_backward,
    formula=("result = output * (grad_output - Σ grad_output·output)",
             r"r = y \odot (\bar y - \langle \bar y, y \rangle)"),
    grad_output=vjp("softmax_backward(grad, output)", r"\bar{\bar y} = y \odot (\bar r - \langle \bar r, y \rangle)",
                    lambda grad, output, dim: SOFTMAX_BACKWARD_DATA(grad, output, dim=dim)),
    output=vjp("softmax_double_backward(grad, grad_output, output)",
               r"\bar y = \bar y_o \bar r - \langle y, \bar y_o \rangle \bar r - \bar y_o \langle y, \bar r \rangle",
               _softmax_double_backward))
LOG_SOFTMAX_BACKWARD_DATA = define(
    "log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0",
    forward=lambda grad_output, output, dim: grad_output - numerics.exp(output) * numerics.torch_sum(
        grad_output, dim, keepdims=True),
    formula=("result = grad_output - exp(output) * Σ grad_output", r"r = \bar y - e^{y} \sum \bar y"),
    grad_output=vjp("grad - Σ (grad * exp(output))", r"\bar{\bar y} = \bar r - \sum \bar r e^{y}",
                    lambda grad, output, dim: grad - (grad * output.exp()).sum(dim, keepdim=True)),
    output=vjp("-Σ grad_output * exp(output) * grad", r"\bar y = -\left(\sum \bar y_o\right) e^{y} \bar r",
               lambda grad, grad_output, output, dim: -grad_output.sum(dim, keepdim=True) * output.exp() * grad))
SOFTMAX = define(
    "softmax", "SoftmaxBackward0", forward=_softmax,
    formula=("result = exp(self) / Σ exp(self) over dim", r"r_i = \frac{e^{x_i}}{\sum_j e^{x_j}}"),
    self=vjp("result * (grad - Σ grad·result)", r"\bar x = r \odot (\bar r - \langle \bar r, r \rangle)",
             lambda grad, result, dim: SOFTMAX_BACKWARD_DATA(grad, result, dim=dim)))
LOG_SOFTMAX = define(
    "log_softmax", "LogSoftmaxBackward0", forward=_log_softmax,
    formula=("result = self - log Σ exp(self) over dim", r"r_i = x_i - \ln\sum_j e^{x_j}"),
    self=vjp("grad - exp(result) * Σ grad", r"\bar x = \bar r - e^{r} \sum_j \bar r_j",
             lambda grad, result, dim: LOG_SOFTMAX_BACKWARD_DATA(grad, result, dim=dim)))


# ---------------------------------------------------------------- negative log-likelihood
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
    return (safe_t,) if len(shape) == 1 else (np.arange(shape[0]), safe_t)


def _nll_total_weight(wt, valid, weight, dtype):
    if weight is None:
        return dtype.type(valid.sum())
    return numerics.cascade_sum(np.ravel(wt)[valid], dtype, np.flatnonzero(valid), valid.size)


def _nll(x, target, weight=None, reduction="mean", ignore_index=-100, dtype=None):
    safe_t, wt = _nll_parts(target, x.shape, weight, ignore_index, x.dtype)
    valid = np.ravel(np.asarray(target) != ignore_index)
    picked = x[_nll_index(x.shape, safe_t)]
    if reduction == "none":
        return -picked * wt
    data = np.ravel(picked)
    kept = data[valid] if weight is None else data[valid] * np.ravel(wt)[valid]
    # PyTorch subtracts each sample's value: 0 - a - b == -a + -b
    total = numerics.cascade_sum(-kept, x.dtype, np.flatnonzero(valid), valid.size)
    if reduction == "mean":
        return np.asarray(total / _nll_total_weight(wt, valid, weight, x.dtype), dtype=x.dtype)
    return np.asarray(total, dtype=x.dtype)


def _nll_backward(grad, self_shape, target, dtype, weight=None, reduction="mean", ignore_index=-100):
    dtype = np.dtype(dtype)
    safe_t, wt = _nll_parts(target, self_shape, weight, ignore_index, dtype)
    if reduction == "none":
        values = -constant(wt) * grad  # PyTorch: -weight * grad_output[i]
    else:
        valid = np.ravel(np.asarray(target) != ignore_index)
        scaled = grad / _nll_total_weight(wt, valid, weight, dtype) if reduction == "mean" else grad
        values = -scaled * constant(wt)  # PyTorch: weight * -(grad / total_weight)
    return INDEX_PUT(constant(np.zeros(self_shape, dtype)), values, index=_nll_index(self_shape, safe_t))


NLL_LOSS = define(
    "nll_loss", "NllLossBackward0", forward=_nll,
    formula=("result = mean(-self[i, target_i])", r"\ell = -\frac{1}{n}\sum_i x_{i, y_i}"),
    self=vjp("-grad / n at each target", r"\bar x_{i,y_i} = -\frac{\bar\ell}{n}", _nll_backward))



# ---------------------------------------------------------------- smooth L1 and Huber
# PyTorch's kernels: the loss per element, then the reduction; the backward is an op of its own
# (SmoothL1LossBackwardBackward0, HuberLossBackwardBackward0 under create_graph).
def _smooth_l1(x, y, reduction="mean", beta=1.0):
    z = np.abs(x - y)
    b = x.dtype.type(beta)
    return _reduce(np.where(z < b, x.dtype.type(0.5) * z * z / b, z - x.dtype.type(0.5) * b), reduction)


def _huber(x, y, reduction="mean", delta=1.0):
    z = np.abs(x - y)
    d = x.dtype.type(delta)
    return _reduce(np.where(z < d, x.dtype.type(0.5) * z * z, d * (z - x.dtype.type(0.5) * d)), reduction)


def _norm(size, reduction, dtype):
    """The kernels' `norm`: 1 / numel for `mean` (in the tensor's dtype), else 1."""
    return dtype.type(1.0 / size if reduction == "mean" else 1.0)


def _smooth_l1_backward(grad_output, x, y, reduction="mean", beta=1.0):
    grad_output, x, y = np.broadcast_arrays(grad_output, x, y)
    norm = _norm(x.size, reduction, x.dtype)
    d = x - y
    inside = (norm * d * grad_output / np.float64(beta)).astype(x.dtype)  # (a double beta: one rounding back)
    return np.where(d <= -beta, -norm * grad_output, np.where(d >= beta, norm * grad_output, inside))


def _huber_backward(grad_output, x, y, reduction="mean", delta=1.0):
    grad_output, x, y = np.broadcast_arrays(grad_output, x, y)
    norm = _norm(x.size, reduction, x.dtype)
    d, delta_ = x - y, x.dtype.type(delta)
    return np.where(d <= -delta_, -norm * grad_output * delta_,
                    np.where(d >= delta_, norm * grad_output * delta_, norm * d * grad_output))


def _inside(self, target, width):
    """Where |self - target| < width: the quadratic part, whose second derivative is not 0."""
    return (np.abs(array(self) - array(target)) < width).astype(array(self).dtype)


def _smooth_l1_double(grad, self, target, reduction="mean", beta=1.0):
    # PyTorch's smooth_l1_loss_double_backward: grad / beta inside, 0 outside, / numel for `mean`
    if beta == 0:
        return constant(np.zeros(np.shape(array(grad)), array(grad).dtype))
    out = DIV_SCALAR(grad * constant(_inside(self, target, beta)), other=beta)
    return DIV_SCALAR(out, other=array(self).size) if reduction == "mean" else out


def _huber_double(grad, self, target, reduction="mean", delta=1.0):
    # PyTorch's huber_loss_double_backward: grad inside, 0 outside, / numel for `mean`
    out = grad * constant(_inside(self, target, delta))
    return DIV_SCALAR(out, other=array(self).size) if reduction == "mean" else out


def _double_grad_output(op, width):
    def derivative(grad, self, target, grad_output_shape, reduction="mean", **kwargs):
        # PyTorch: the backward with ones as grad_output, times grad, summed (for a reduced loss)
        if reduction == "none":
            return op(grad, self, target, reduction="none", **kwargs)
        ones = constant(np.ones(grad_output_shape, array(self).dtype))
        return (op(ones, self, target, reduction=reduction, **kwargs) * grad).sum()

    return derivative


SMOOTH_L1_LOSS_BACKWARD = define(
    "smooth_l1_loss_backward", "SmoothL1LossBackwardBackward0", forward=_smooth_l1_backward,
    formula=("result = grad_output * clamp((self - target) / beta, -1, 1) / n",
             r"r = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(\tfrac{x - y}{\beta}, -1, 1)"),
    grad_output=vjp("Σ grad * clamp((self - target) / beta, -1, 1) / n",
                    r"\bar{\bar\ell} = \sum \bar r\, \tfrac{1}{n}\operatorname{clamp}(\tfrac{x - y}{\beta}, -1, 1)",
                    lambda grad, self, target, grad_output_shape, reduction="mean", beta=1.0: _double_grad_output(
                        SMOOTH_L1_LOSS_BACKWARD, beta)(grad, self, target, grad_output_shape, reduction, beta=beta)),
    self=vjp("grad * grad_output / beta / n where |self - target| < beta, else 0",
             r"\bar x = \tfrac{1}{n\beta}\,\bar r\, \bar\ell\, [|x - y| < \beta]",
             lambda grad, grad_output, self, target, reduction="mean", beta=1.0: _smooth_l1_double(
                 grad * grad_output, self, target, reduction, beta)),
    target=vjp("-grad * grad_output / beta / n where |self - target| < beta, else 0",
               r"\bar y = -\tfrac{1}{n\beta}\,\bar r\, \bar\ell\, [|x - y| < \beta]",
               lambda grad, grad_output, self, target, reduction="mean", beta=1.0: -_smooth_l1_double(
                   grad * grad_output, self, target, reduction, beta)))
SMOOTH_L1_LOSS = define(
    "smooth_l1_loss", "SmoothL1LossBackward0", forward=_smooth_l1,
    formula=("result = mean(0.5 (self - target)² / beta where |self - target| < beta, else |self - target| - "
             "0.5 beta)", r"\ell = \frac{1}{n}\sum_i \operatorname{smooth}_\beta(x_i - y_i)"),
    self=vjp("grad * clamp((self - target) / beta, -1, 1) / n",
             r"\bar x_i = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(\tfrac{x_i - y_i}{\beta}, -1, 1)",
             lambda grad, self, target, reduction="mean", beta=1.0: SMOOTH_L1_LOSS_BACKWARD(
                 grad, self, target, reduction=reduction, beta=beta)),
    target=vjp("grad * clamp((target - self) / beta, -1, 1) / n",
               r"\bar y_i = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(\tfrac{y_i - x_i}{\beta}, -1, 1)",
               lambda grad, self, target, reduction="mean", beta=1.0: SMOOTH_L1_LOSS_BACKWARD(
                   grad, target, self, reduction=reduction, beta=beta)))
HUBER_LOSS_BACKWARD = define(
    "huber_loss_backward", "HuberLossBackwardBackward0", forward=_huber_backward,
    formula=("result = grad_output * clamp(self - target, -delta, delta) / n",
             r"r = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(x - y, -\delta, \delta)"),
    grad_output=vjp("Σ grad * clamp(self - target, -delta, delta) / n",
                    r"\bar{\bar\ell} = \sum \bar r\, \tfrac{1}{n}\operatorname{clamp}(x - y, -\delta, \delta)",
                    lambda grad, self, target, grad_output_shape, reduction="mean", delta=1.0: _double_grad_output(
                        HUBER_LOSS_BACKWARD, delta)(grad, self, target, grad_output_shape, reduction, delta=delta)),
    self=vjp("grad * grad_output / n where |self - target| < delta, else 0",
             r"\bar x = \tfrac{1}{n}\,\bar r\, \bar\ell\, [|x - y| < \delta]",
             lambda grad, grad_output, self, target, reduction="mean", delta=1.0: _huber_double(
                 grad * grad_output, self, target, reduction, delta)),
    target=vjp("-grad * grad_output / n where |self - target| < delta, else 0",
               r"\bar y = -\tfrac{1}{n}\,\bar r\, \bar\ell\, [|x - y| < \delta]",
               lambda grad, grad_output, self, target, reduction="mean", delta=1.0: -_huber_double(
                   grad * grad_output, self, target, reduction, delta)))
HUBER_LOSS = define(
    "huber_loss", "HuberLossBackward0", forward=_huber,
    formula=("result = mean(0.5 (self - target)² where |self - target| < delta, else delta (|self - target| - "
             "0.5 delta))", r"\ell = \frac{1}{n}\sum_i \operatorname{huber}_\delta(x_i - y_i)"),
    self=vjp("grad * clamp(self - target, -delta, delta) / n",
             r"\bar x_i = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(x_i - y_i, -\delta, \delta)",
             lambda grad, self, target, reduction="mean", delta=1.0: HUBER_LOSS_BACKWARD(
                 grad, self, target, reduction=reduction, delta=delta)),
    target=vjp("grad * clamp(target - self, -delta, delta) / n",
               r"\bar y_i = \tfrac{1}{n}\,\bar\ell\, \operatorname{clamp}(y_i - x_i, -\delta, \delta)",
               lambda grad, self, target, reduction="mean", delta=1.0: HUBER_LOSS_BACKWARD(
                   grad, target, self, reduction=reduction, delta=delta)))
