"""`torch.nn.functional`'s losses and activations, as single PyTorch nodes from the op registry."""

from __future__ import annotations

import warnings

import numpy as np

from .. import functions as _F
from .. import ops
from ..apply import apply, broadcast_error
from ..random import default_generator
from ..tensor import Tensor, wrap_dim

relu = _F.relu
sigmoid = _F.sigmoid
tanh = _F.tanh


def _data(x):
    return None if x is None else (x._data if isinstance(x, Tensor) else np.asarray(x))


def _reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  UserWarning, stacklevel=3)
    return reduction


def _check_same_size(input, target, what):
    if input._data.shape != target._data.shape:
        raise ValueError(
            f"Target size ({_size(target)}) must be the same as input size ({_size(input)})")


def _size(t):
    return f"torch.Size([{', '.join(map(str, t._data.shape))}])"


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    _check_same_size(input, target, "bce")
    attrs = {"reduction": _reduction(size_average, reduce, reduction)}
    if weight is not None:
        attrs["weight"] = _data(weight)
    if pos_weight is not None:
        attrs["pos_weight"] = _data(pos_weight)
    return apply(ops.BINARY_CROSS_ENTROPY_WITH_LOGITS, input, target, **attrs)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    if input._data.shape != target._data.shape:
        raise ValueError(
            f"Using a target size ({_size(target)}) that is different to the input size ({_size(input)}) is "
            "deprecated. Please ensure they have the same size.")
    attrs = {"reduction": _reduction(size_average, reduce, reduction)}
    if weight is not None:
        attrs["weight"] = _data(weight)
    return apply(ops.BINARY_CROSS_ENTROPY, input, target, **attrs)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    if input._data.shape != target._data.shape:
        warnings.warn(
            f"Using a target size ({_size(target)}) that is different to the input size ({_size(input)}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
            "same size.",
            UserWarning, stacklevel=2)
        # PyTorch broadcasts both first (torch.broadcast_tensors), so the graph holds ExpandBackward0 nodes
        try:
            shape = np.broadcast_shapes(input._data.shape, target._data.shape)
        except ValueError:
            raise broadcast_error([input._data, target._data]) from None
        input, target = _F.broadcast_to(input, shape), _F.broadcast_to(target, shape)
    return apply(ops.MSE_LOSS, input, target, reduction=_reduction(size_average, reduce, reduction))


def _softmax_dim(ndim):
    return 0 if ndim in (0, 1, 3) else 1


def _class_dim(input, dim, name, stacklevel):
    if dim is None:
        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                      "as an argument.", UserWarning, stacklevel=stacklevel)
        dim = _softmax_dim(input._data.ndim)
    return wrap_dim(dim, input._data.ndim)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    x = input if dtype is None else input.to(dtype)
    return apply(ops.SOFTMAX, x, dim=_class_dim(input, dim, "softmax", _stacklevel))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    x = input if dtype is None else input.to(dtype)
    return apply(ops.LOG_SOFTMAX, x, dim=_class_dim(input, dim, "log_softmax", _stacklevel))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    t = target._data
    if t.dtype.kind not in "iu":
        name = {"float32": "Float", "float64": "Double"}.get(t.dtype.name, t.dtype.name)
        raise RuntimeError(f"expected scalar type Long but found {name}")
    _check_batch(input, target)
    n_classes = input._data.shape[1] if input._data.ndim > 1 else input._data.shape[0]
    bad = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
    if bad.size:
        raise IndexError(f"Target {int(bad[0])} is out of bounds.")
    attrs = {"target": t, "reduction": _reduction(size_average, reduce, reduction),
             "ignore_index": ignore_index, "weight": _data(weight), "dtype": input._data.dtype.str}
    return apply(ops.NLL_LOSS, input, **attrs)


def _check_batch(input, target):
    if input._data.ndim > 1 and target._data.ndim > 0 and input._data.shape[0] != target._data.shape[0]:
        raise ValueError(f"Expected input batch_size ({input._data.shape[0]}) to match target batch_size "
                         f"({target._data.shape[0]}).")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    if target._data.dtype.kind == "f":
        _check_batch(input, target)
        if target._data.shape != input._data.shape:
            raise RuntimeError("expected target dtype to be Long or Byte, but got Float")
        # probabilities as targets, built as PyTorch does: -(log_softmax * target), summed, / batch size
        class_dim = 1 if input._data.ndim > 1 else 0
        logp = log_softmax(input, class_dim)
        prod = logp * target
        if weight is not None:
            shape = [1] * input._data.ndim
            shape[class_dim] = -1
            prod = prod * weight.reshape(shape)
        red = _reduction(size_average, reduce, reduction)
        if red == "none":
            return -prod.sum(class_dim)
        total = -prod.sum()
        if red == "sum":
            return total
        batch = input._data.size // input._data.shape[class_dim]
        return apply(ops.DIV_SCALAR, total, other=batch)
    if label_smoothing:
        raise RuntimeError("label_smoothing is not supported by this engine")
    logp = log_softmax(input, 1 if input._data.ndim > 1 else 0)
    return nll_loss(logp, target, weight, size_average, ignore_index, reduce, reduction)


def logsigmoid(input):
    return apply(ops.LOG_SIGMOID, input)


def linear(input, weight, bias=None):
    """input @ weightᵀ + bias, as PyTorch builds it: one AddmmBackward0 for a batch (a single sample or a batch
    of more dims is viewed as one first, and the result viewed back), MmBackward0 without a bias."""
    if bias is None:
        return _F.matmul(input, weight.t())
    if input._data.ndim == 2:
        return apply(ops.ADDMM, bias, input, weight.t())
    rows = input.reshape(-1, input._data.shape[-1]) if input._data.ndim else input
    out = apply(ops.ADDMM, bias, rows, weight.t())
    return out.view(*input._data.shape[:-1], weight._data.shape[0])


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    if input._data.shape != target._data.shape:
        warnings.warn(
            f"Using a target size ({_size(target)}) that is different to the input size ({_size(input)}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
            "same size.", UserWarning, stacklevel=2)
    loss = (input - target).abs()
    reduction = _reduction(size_average, reduce, reduction)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return apply(ops.LEAKY_RELU, input, negative_slope=negative_slope)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes each element with probability p and scales the rest by 1 / (1 - p), as PyTorch does: the input
    times a mask drawn from the generator (MulBackward0)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * _F._t(np.zeros((), input._data.dtype))
    mask = np.empty_like(input._data)
    default_generator.bernoulli_(mask, 1 - p)
    return input * _F._t(mask / (1 - p))


def one_hot(tensor, num_classes=-1):
    """Each integer class index as a row of zeros with a 1 at that class (int64, like PyTorch)."""
    data = tensor._data
    if data.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    classes = int(data.max()) + 1 if num_classes == -1 and data.size else num_classes
    if data.size and data.max() >= classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _F.wrap(np.eye(classes, dtype=np.int64)[data])


def relu6(input, inplace=False):
    return _F.clamp(input, 0, 6)


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.nn.functional' has no attribute '{name}'")
