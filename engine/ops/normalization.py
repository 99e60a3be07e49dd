"""Batch normalization: one NativeBatchNormBackward0 node over (input, weight, bias), computed as PyTorch's CPU
kernels compute it (single-threaded): the batch statistics summed in their order, with their fused
multiply-adds, the running statistics updated in place as the kernel updates them.

For an input of shape (N, C) PyTorch takes its channels-last kernels (a float32 running sum per channel), for
(N, C, L) its contiguous ones (a float64 sum over the batch). Its gradient, where no graph is recorded, is the
backward kernel's; under create_graph the same formula is built from ops (PyTorch records one
NativeBatchNormBackwardBackward0 node there, the engine the ops of its formula)."""

from __future__ import annotations

import numpy as np

from .. import numerics
from ..grad_mode import is_grad_enabled
from ..tensor import array, constant
from .registry import define, vjp

__all__ = ["NATIVE_BATCH_NORM"]


def _channel_rows(x):
    """x as (channels, elements per channel), the elements in the kernels' order: batch, then position."""
    return np.moveaxis(x, 1, 0).reshape(x.shape[1], -1)


def _per_channel(values, ndim):
    """A per-channel vector shaped to broadcast over (N, C) or (N, C, L)."""
    return values.reshape((1, -1) + (1,) * (ndim - 2))


def _running_sum(rows, dtype):
    """Σ along each row, one element after another, in `dtype`."""
    return np.add.accumulate(rows.astype(dtype, copy=False), axis=1)[:, -1] if rows.shape[1] else \
        np.zeros(rows.shape[0], dtype)


def _fused_sum(a, b):
    """Σ a·b along each row, one fused multiply-add after another, in float32."""
    total = np.zeros(a.shape[0], a.dtype)
    for k in range(a.shape[1]):
        total = numerics.fma(a[:, k], b[:, k], total)
    return total


def _run_sums(x, values):
    """Σ per channel as the contiguous kernels add an (N, C, L) tensor: each run of L elements summed in the
    tensor's dtype, the runs added in float64."""
    runs = np.add.accumulate(values, axis=2)[:, :, -1] if values.shape[2] else np.zeros(values.shape[:2], x.dtype)
    return _running_sum(np.moveaxis(runs, 1, 0), np.float64)


def _batch_stats(x):
    """(mean, Σ (x - mean)²) per channel, as the kernels compute them."""
    rows = _channel_rows(x)
    n = rows.shape[1]
    if x.ndim == 2:  # channels-last kernels: running sums in the tensor's dtype, fused multiply-adds
        mean = (np.float64(1) * _running_sum(rows, x.dtype) / n).astype(x.dtype)
        centred = rows - mean[:, None]
        return mean, _fused_sum(centred, centred)
    mean = (_running_sum(rows, np.float64) / n).astype(x.dtype)
    centred = rows - mean[:, None]
    return mean, _running_sum(centred * centred, np.float64).astype(x.dtype)


def _native_batch_norm(x, weight, bias, running_mean=None, running_var=None, training=False, momentum=0.1,
                       eps=1e-5):
    t = x.dtype.type
    channels = x.shape[1]
    w = np.ones(channels, x.dtype) if weight is None else weight
    b = np.zeros(channels, x.dtype) if bias is None else bias
    if training:
        n = x.size // channels
        mean, var_sum = _batch_stats(x)
        invstd = np.where((var_sum / t(n) != 0) | (eps != 0), 1 / np.sqrt(np.float64(1) * (var_sum / t(n)) + eps),
                          0).astype(x.dtype)
        if running_mean is not None:
            m = t(momentum)
            running_mean[...] = m * mean + (t(1) - m) * running_mean
        if running_var is not None:
            m = t(momentum)
            unbiased = (var_sum / t(max(n - 1, 0))).astype(np.float64)
            running_var[...] = (np.float64(m) * unbiased + ((t(1) - m) * running_var).astype(np.float64))
        saved = {"result1": mean, "result2": invstd}
    else:
        mean = running_mean
        invstd = t(1) / np.sqrt(running_var + t(eps))
        saved = {"result1": np.zeros(0, x.dtype), "result2": np.zeros(0, x.dtype)}
    alpha = invstd * w
    beta = numerics.fma(-mean, alpha, b)
    shape = x.shape
    out = numerics.fma(x, np.broadcast_to(_per_channel(alpha, x.ndim), shape),
                       np.broadcast_to(_per_channel(beta, x.ndim), shape))
    return out, saved


def _statistics(input, running_mean, running_var, result1, result2, training, eps):
    """mean and invstd per channel, as the backward kernel reads them (in evaluation, invstd in float64)."""
    x = array(input)
    if training:
        return result1, result2
    return running_mean, (1 / np.sqrt(np.float64(1) * running_var + eps)).astype(x.dtype)


def _backward_sums(grad, input, mean):
    """Σ grad and Σ (input - mean)·grad per channel, in the kernels' orders."""
    x, g = array(input), array(grad)
    if x.ndim == 2:
        rows_x, rows_g = _channel_rows(x), _channel_rows(g)
        return _running_sum(rows_g, x.dtype), _fused_sum(rows_x - mean[:, None], rows_g)
    g3, x3 = g.reshape(g.shape[0], g.shape[1], -1), x.reshape(x.shape[0], x.shape[1], -1)
    centred = x3 - mean[None, :, None]
    return _run_sums(x, g3).astype(x.dtype), _run_sums(x, centred * g3).astype(x.dtype)


def _input_grad(grad, input, weight, running_mean=None, running_var=None, result1=None, result2=None,
                training=False, eps=1e-5):
    x = array(input)
    t = x.dtype.type
    mean, invstd = _statistics(input, running_mean, running_var, result1, result2, training, eps)
    channels = x.shape[1]
    w = np.ones(channels, x.dtype) if weight is None else array(weight)
    if is_grad_enabled():  # create_graph: the formula in ops, differentiable again
        return _input_grad_graph(grad, input, weight, mean, invstd, training)
    g = array(grad)
    per = _per_channel
    if not training:
        return constant(g * per(invstd, x.ndim) * per(w, x.ndim))
    n = x.size // channels
    total, dot = _backward_sums(grad, input, mean)
    k = dot * invstd * invstd / t(n)
    grad_mean = total / t(n)
    dx = (x - per(mean, x.ndim)) * per(k, x.ndim)
    return constant((g - per(grad_mean, x.ndim) - dx) * per(invstd, x.ndim) * per(w, x.ndim))


def _input_grad_graph(grad, input, weight, mean, invstd, training):
    ndim = array(input).ndim
    dims = (0, *tuple(range(2, ndim)))
    scale = constant(_per_channel(invstd, ndim))
    if weight is not None:
        scale = scale * weight.reshape((1, -1) + (1,) * (ndim - 2))
    if not training:
        return grad * scale
    centred = input - constant(_per_channel(mean, ndim))
    projection = (grad * centred).mean(dims, keepdim=True) * constant(_per_channel(invstd * invstd, ndim))
    return (grad - grad.mean(dims, keepdim=True) - centred * projection) * scale


def _weight_grad(grad, input, running_mean=None, running_var=None, result1=None, result2=None, training=False,
                 eps=1e-5):
    mean, invstd = _statistics(input, running_mean, running_var, result1, result2, training, eps)
    if is_grad_enabled():
        ndim = array(input).ndim
        dims = (0, *tuple(range(2, ndim)))
        xhat = (input - constant(_per_channel(mean, ndim))) * constant(_per_channel(invstd, ndim))
        return (grad * xhat).sum(dims)
    _, dot = _backward_sums(grad, input, mean)
    return constant(dot * invstd)


def _bias_grad(grad, input):
    if is_grad_enabled():
        return grad.sum((0, *tuple(range(2, grad.ndim))))
    total, _ = _backward_sums(grad, input, np.zeros(array(input).shape[1], array(input).dtype))
    return constant(total)


NATIVE_BATCH_NORM = define(
    "native_batch_norm", "NativeBatchNormBackward0", forward=_native_batch_norm,
    extra_outputs=("result1", "result2"),
    formula=("result = (input - mean) * invstd * weight + bias, per channel (the batch's mean and invstd in "
             "training, the running ones in evaluation)",
             r"y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}\,\gamma + \beta"),
    input=vjp("(grad - mean(grad) - x̂ * mean(grad * x̂)) * invstd * weight, x̂ = (input - mean) * invstd "
              "(training: mean = result1, invstd = result2; else grad * invstd * weight, invstd from running_var "
              "and eps, mean = running_mean)",
              r"\bar x = \frac{\gamma}{\sigma}\left(\bar y - \overline{\bar y}"
              r" - \hat x\, \overline{\bar y \hat x}\right)",
              _input_grad),
    weight=vjp("Σ grad * (input - mean) * invstd over the batch (training: mean = result1, invstd = result2; else "
               "running_mean, and running_var with eps)", r"\bar\gamma = \sum \bar y\, \hat x",
               _weight_grad),
    bias=vjp("Σ grad over the batch (input's channels)", r"\bar\beta = \sum \bar y",
             lambda grad, input: _bias_grad(grad, input)))
