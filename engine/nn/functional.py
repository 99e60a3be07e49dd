"""`torch.nn.functional`'s losses, activations, distances and layers' functions, as single PyTorch nodes from the
op registry (or PyTorch's own chain of them, where PyTorch builds a function from several ops)."""

from __future__ import annotations

import warnings

import numpy as np

from .. import functions as _F
from .. import ops
from ..apply import apply, broadcast_error
from ..grad_mode import no_grad
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
    return hardtanh(input, 0.0, 6.0)


# ---------------------------------------------------------------- activations
def softplus(input, beta=1.0, threshold=20.0):
    return apply(ops.SOFTPLUS, input, beta=beta, threshold=threshold)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return apply(ops.GELU, input, approximate=approximate)


def elu(input, alpha=1.0, inplace=False):
    return apply(ops.ELU, input, alpha=alpha, scale=1.0, input_scale=1.0)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def selu(input, inplace=False):
    return apply(ops.ELU, input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0)


def silu(input, inplace=False):
    return apply(ops.SILU, input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return apply(ops.HARDTANH, input, min_val=min_val, max_val=max_val)


# ---------------------------------------------------------------- smooth L1, Huber, KL divergence
def _broadcast_for_loss(input, target):
    if target._data.shape != input._data.shape:
        warnings.warn(
            f"Using a target size ({_size(target)}) that is different to the input size ({_size(input)}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
            "same size.", UserWarning, stacklevel=3)
        try:
            shape = np.broadcast_shapes(input._data.shape, target._data.shape)
        except ValueError:
            raise broadcast_error([input._data, target._data]) from None
        input, target = _F.broadcast_to(input, shape), _F.broadcast_to(target, shape)
    return input, target


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    input, target = _broadcast_for_loss(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return apply(ops.SMOOTH_L1_LOSS, input, target, reduction=reduction, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    input, target = _broadcast_for_loss(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is None:
        return apply(ops.HUBER_LOSS, input, target, reduction=reduction, delta=delta)
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = apply(ops.HUBER_LOSS, input, target, reduction="none", delta=delta) * weight
    return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target ‖ input) with input as log-probabilities, built from ops as PyTorch builds it: target ·
    (log target - input), summed or averaged (`batchmean`: the sum / the batch size)."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' "
            "divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to "
            "behave the same as 'batchmean' in the next major release.", UserWarning, stacklevel=2)
    # (the operands in the order PyTorch's compiled C++ makes them: the right one first, which decides the order
    # in which a target that requires grad sums its gradients)
    if log_target:
        difference = target - input
        loss = target.exp() * difference
    else:
        product = target * input
        loss = apply(ops.XLOGY, target, target) - product
    if reduction in ("sum", "batchmean"):
        total = loss.sum()
        return total / input._data.shape[0] if reduction == "batchmean" and input._data.ndim else total
    return loss.mean() if reduction == "mean" else loss


# ---------------------------------------------------------------- distances and normalizing
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    denominator = _F.norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denominator


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """<x1 / ‖x1‖, x2 / ‖x2‖> along dim, as PyTorch computes it: each vector divided by its norm (at least eps)
    first, then the product summed."""
    if x1._data.dtype.kind != "f" or x2._data.dtype.kind != "f":
        x1, x2 = x1.float(), x2.float()
    if x1._data.shape != x2._data.shape:
        try:
            shape = np.broadcast_shapes(x1._data.shape, x2._data.shape)
        except ValueError:
            raise broadcast_error([x1._data, x2._data]) from None
        x1, x2 = _F.broadcast_to(x1, shape), _F.broadcast_to(x2, shape)
    norms = []
    for x in (x1, x2):
        norm = _F.norm(x, 2, dim, keepdim=True).clone()
        with no_grad():
            norm.clamp_min_(eps)
        norms.append(norm)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 - x2 + eps‖_p along the last dim (PyTorch's older norm op: NormBackward1)."""
    ndim = max(x1._data.ndim, x2._data.ndim)
    diff = apply(ops.ADD_SCALAR, x1 - x2, other=eps)
    order = float(p) if not isinstance(p, int) else p
    return apply(ops.NORM_SCALAR, diff, ord=order, dim=(max(ndim - 1, 0),) if ndim else None, keepdim=keepdim)


# ---------------------------------------------------------------- batch norm and embedding
def _verify_batch_size(size):
    count = size[0]
    for n in size[2:]:
        count *= n
    if count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {_size_of(size)}")


def _size_of(shape):
    return f"torch.Size([{', '.join(map(str, shape))}])"


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """One NativeBatchNormBackward0 node; in training the running statistics are updated in place."""
    if training:
        _verify_batch_size(input._data.shape)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if not training and running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    if not training and running_var is None:
        raise RuntimeError("running_var must be defined in evaluation mode")
    stats = {"running_mean": None if running_mean is None else running_mean._data,
             "running_var": None if running_var is None else running_var._data}
    out, _ = apply(ops.NATIVE_BATCH_NORM, input, weight, bias, **stats, training=bool(training),
                   momentum=momentum if momentum is not None else 0.0, eps=eps)
    if training:
        for buffer in (running_mean, running_var):
            if buffer is not None:
                buffer._bump_version()
    return out


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """The rows of weight at the indices in input: EmbeddingBackward0."""
    rows = weight._data.shape[0]
    if padding_idx is not None:
        if (padding_idx > 0 and padding_idx >= rows) or (padding_idx < 0 and padding_idx < -rows):
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = padding_idx % rows
    else:
        padding_idx = -1
    if max_norm is not None:
        raise RuntimeError("embedding with max_norm is not supported by this engine")
    indices = input._data
    if indices.dtype.kind not in "iu":
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got torch.{input.dtype.legacy_name} instead (while checking arguments "
                           "for embedding)")
    bad = indices[(indices < 0) | (indices >= rows)]
    if bad.size:
        raise IndexError("index out of range in self")
    return apply(ops.EMBEDDING, weight, indices=indices.astype(np.int64, copy=False), padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.nn.functional' has no attribute '{name}'")
