"""Reductions: sum, mean, max and min (whole, over dims, with indices), var, std and norm, logsumexp, topk, and
the running totals cumsum and cumprod. The gradient of a
reduction is the incoming gradient spread back over the reduced dims: expanded (sum), divided (mean), or put
where the extreme values were (max)."""

from __future__ import annotations

import math

import numpy as np

from .. import numerics
from ..tensor import array, constant
from .arithmetic import MASKED_FILL, MUL_SCALAR, zeros_where
from .registry import define, vjp
from .shapes import FLIP, INDEX_PUT, SCATTER, UNSQUEEZE

__all__ = ["AMAX", "AMIN", "CUMPROD", "CUMSUM", "LOGSUMEXP", "MAX", "MAX_DIM", "MEAN", "MEAN_DIM", "MIN", "MIN_DIM",
           "NORM", "NORM_SCALAR", "PROD", "PROD_DIM", "SORT", "SORT_STABLE", "STD", "SUM", "SUM_DIM", "TOPK", "TRACE",
           "VAR"]


def _keepdim_shape(shape, dims):
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def _restore_dims(grad, shape, dim, keepdim):
    """A reduced gradient in keepdim form, ready to broadcast over `shape` (PyTorch's restore_reduced_dims)."""
    return grad if keepdim else grad.reshape(_keepdim_shape(shape, dim))


def _expanded(grad, shape):
    return grad if tuple(grad.shape) == tuple(shape) else grad.expand(*shape)


SUM = define(
    "sum", "SumBackward0", forward=numerics.torch_sum,
    formula=("result = Σ self", r"r = \sum_i x_i"),
    self=vjp("grad expanded to self's shape", r"\bar x_i = \bar r",
             lambda grad, self_shape: _expanded(grad, self_shape)))
SUM_DIM = define(
    "sum_dim", "SumBackward1", forward=lambda x, dim, keepdim=False: numerics.torch_sum(x, dim, keepdim),
    formula=("result = Σ self over dim", r"r = \sum_{d} x"),
    self=vjp("grad expanded over dim", r"\bar x = \bar r",
             lambda grad, self_shape, dim, keepdim=False:
             _expanded(_restore_dims(grad, self_shape, dim, keepdim), self_shape)))
MEAN = define(
    "mean", "MeanBackward0", forward=numerics.torch_mean,
    formula=("result = Σ self / n", r"r = \frac{1}{n}\sum_i x_i"),
    self=vjp("grad expanded / n", r"\bar x_i = \frac{\bar r}{n}",
             lambda grad, self_shape: _expanded(grad, self_shape) / max(math.prod(self_shape), 1)))
MEAN_DIM = define(
    "mean_dim", "MeanBackward1", forward=lambda x, dim, keepdim=False: numerics.torch_mean(x, dim, keepdim),
    formula=("result = mean of self over dim", r"r = \frac{1}{n}\sum_{d} x"),
    self=vjp("grad expanded over dim / n", r"\bar x = \frac{\bar r}{n}",
             lambda grad, self_shape, dim, keepdim=False:
             _expanded(_restore_dims(grad, self_shape, dim, keepdim), self_shape)
             / math.prod([self_shape[d] for d in dim])))


# ---------------------------------------------------------------- products
def _others_product(x, axis):
    """Each element's product of all the others along axis, by running products from both ends (exact
    where zeros are, where result / x is not)."""
    ones = np.ones_like(np.take(x, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, np.take(x, range(x.shape[axis] - 1), axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(x, axis=axis)
    after = np.flip(np.cumprod(np.concatenate([ones, np.take(flipped, range(x.shape[axis] - 1), axis=axis)],
                                              axis=axis), axis=axis), axis=axis)
    return before * after


def _prod_backward(grad, self, result, dim=None, keepdim=False):
    # PyTorch's prod_backward: (grad * result) / self where self has no zero; else the others' products
    shape = tuple(self.shape)
    if not shape:
        return grad
    if dim is not None:
        grad, result = _restore_dims(grad, shape, (dim,), keepdim), _restore_dims(result, shape, (dim,), keepdim)
    x = array(self)
    if not (x == 0).any():
        return (grad * result) / self
    if dim is None:
        return grad * constant(_others_product(x.reshape(-1), 0).reshape(shape))
    return grad * constant(_others_product(x, dim))


PROD = define(
    "prod", "ProdBackward0", forward=lambda x: np.asarray(np.prod(x), dtype=x.dtype),
    formula=("result = Π self", r"r = \prod_i x_i"),
    self=vjp("grad * result / self (the others' product where self is 0)", r"\bar x_i = \bar r \prod_{j \ne i} x_j",
             _prod_backward))
PROD_DIM = define(
    "prod_dim", "ProdBackward1",
    forward=lambda x, dim, keepdim=False: np.asarray(np.prod(x, axis=dim, keepdims=keepdim), dtype=x.dtype),
    formula=("result = Π self over dim", r"r = \prod_{d} x"),
    self=vjp("grad * result / self over dim (the others' product where self is 0)",
             r"\bar x_i = \bar r \prod_{j \ne i} x_j", _prod_backward))


def _trace(x):
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    return np.asarray(np.trace(x), dtype=x.dtype)


TRACE = define(
    "trace", "TraceBackward0", forward=_trace,
    formula=("result = Σ self[i, i]", r"r = \sum_i x_{ii}"),
    self=vjp("grad on the diagonal of self's shape, 0 elsewhere", r"\bar x_{ii} = \bar r",
             lambda grad, self_shape: grad * constant(np.eye(*self_shape, dtype=array(grad).dtype))))


def _sort(x, dim, descending=False, stable=False):
    order = np.argsort(-x if descending else x, axis=dim, kind="stable")
    return np.take_along_axis(x, order, axis=dim), {"indices": order.astype(np.int64)}


def _placed_back(grad, indices, self_shape, dim):
    """The sorted values' gradient put back where each value came from."""
    index = tuple(indices if d == dim else np.arange(n).reshape([-1 if k == d else 1 for k in range(len(self_shape))])
                  for d, n in enumerate(self_shape))
    return INDEX_PUT(constant(np.zeros(self_shape, array(grad).dtype)), grad, index=index)


SORT = define(
    "sort", "SortBackward0", forward=_sort, extra_outputs=("indices",),
    formula=("values, indices = sort(self, dim)", r"r = \operatorname{sort}(x)"),
    self=vjp("grad placed back at indices", r"\bar x_{\text{idx}} = \bar r", _placed_back))
SORT_STABLE = define(  # sort(..., stable=True): PyTorch's other overload
    "sort_stable", "SortBackward1", forward=_sort, extra_outputs=("indices",),
    formula=("values, indices = sort(self, dim, stable=True)", r"r = \operatorname{sort}(x)"),
    self=vjp("grad placed back at indices", r"\bar x_{\text{idx}} = \bar r", _placed_back))


# ---------------------------------------------------------------- max and min
def _shared_among_extremes(grad, self, result):
    # PyTorch spreads the gradient evenly over every element equal to the extreme: grad / count there, else 0
    mask = array(self) == array(result)
    share = _expanded(grad / int(mask.sum()), mask.shape)
    return zeros_where(~mask, share)


MAX = define(
    "max", "MaxBackward1", forward=np.max,
    formula=("result = max(self)", r"r = \max_i x_i"),
    self=vjp("grad / k where self == result (k of them)", r"\bar x_i = \frac{\bar r}{k}[x_i = r]",
             _shared_among_extremes))
MIN = define(
    "min", "MinBackward1", forward=np.min,
    formula=("result = min(self)", r"r = \min_i x_i"),
    self=vjp("grad / k where self == result (k of them)", r"\bar x_i = \frac{\bar r}{k}[x_i = r]",
             _shared_among_extremes))


def _extreme_over_dim(pick):
    def forward(x, dim, keepdim=False):
        if dim is None:  # (a 0-d tensor over its dim 0)
            return np.array(x, copy=True), {"indices": np.zeros((), np.int64)}
        indices = pick(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, indices, axis=dim)
        if not keepdim:
            values, indices = np.squeeze(values, axis=dim), np.squeeze(indices, axis=dim)
        return values, {"indices": indices.astype(np.int64)}

    return forward


def _placed_at_indices(grad, indices, self_shape, dim, keepdim=False):
    if dim is None:  # (a 0-d input: the gradient passes to its one element)
        return grad
    idx = indices if keepdim else np.expand_dims(indices, dim)
    if not keepdim:
        grad = grad.reshape(idx.shape)
    index = tuple(idx if d == dim else np.arange(n).reshape([-1 if k == d else 1 for k in range(len(self_shape))])
                  for d, n in enumerate(self_shape))
    return INDEX_PUT(constant(np.zeros(self_shape, array(grad).dtype)), grad, index=index)


MAX_DIM = define(
    "max_dim", "MaxBackward0", forward=_extreme_over_dim(np.argmax), extra_outputs=("indices",),
    formula=("values, indices = max(self, dim)", r"r = \max_{d} x"),
    self=vjp("grad placed at indices", r"\bar x_{\text{idx}} = \bar r", _placed_at_indices))
MIN_DIM = define(
    "min_dim", "MinBackward0", forward=_extreme_over_dim(np.argmin), extra_outputs=("indices",),
    formula=("values, indices = min(self, dim)", r"r = \min_{d} x"),
    self=vjp("grad placed at indices", r"\bar x_{\text{idx}} = \bar r", _placed_at_indices))


def _shared_among_extremes_of_slices(grad, self, result, dim, keepdim=False):
    # PyTorch: (grad / count) * mask, mask = (self == result) per reduced slice: ties share the gradient
    x = array(self)
    mask = x == np.reshape(array(result), _keepdim_shape(x.shape, dim))
    count = mask.sum(axis=dim, keepdims=True).astype(x.dtype)
    return (_restore_dims(grad, x.shape, dim, keepdim) / constant(count)) * constant(mask.astype(x.dtype))


AMAX = define(
    "amax", "AmaxBackward0", forward=lambda x, dim, keepdim=False: np.max(x, axis=dim, keepdims=keepdim),
    formula=("result = amax(self, dim)", r"r = \max_{d} x"),
    self=vjp("grad / k where self == result, k per slice", r"\bar x = \frac{\bar r}{k}[x = r]",
             _shared_among_extremes_of_slices))
AMIN = define(
    "amin", "AminBackward0", forward=lambda x, dim, keepdim=False: np.min(x, axis=dim, keepdims=keepdim),
    formula=("result = amin(self, dim)", r"r = \min_{d} x"),
    self=vjp("grad / k where self == result, k per slice", r"\bar x = \frac{\bar r}{k}[x = r]",
             _shared_among_extremes_of_slices))


# ---------------------------------------------------------------- variance and standard deviation
def _variance(x, dim, correction):
    # PyTorch accumulates in float64 (a two-pass sum over the float32 mean for a full reduction)
    if dim == tuple(range(np.ndim(x))) and np.ndim(x) and x.dtype == np.float32:
        mean = np.float64(numerics.torch_mean(x))
    else:
        mean = np.mean(np.asarray(x, np.float64), axis=dim, keepdims=True)
    deviation = np.asarray(x, np.float64) - mean
    n = math.prod([np.shape(x)[d] for d in dim])
    return np.sum(deviation * deviation, axis=dim, keepdims=True) / max(0, n - correction)


def _var(x, dim, correction=1, keepdim=False):
    out = _variance(x, dim, correction)
    return np.asarray(out if keepdim else np.squeeze(out, axis=dim), dtype=x.dtype)


def _std(x, dim, correction=1, keepdim=False):
    out = np.sqrt(_variance(x, dim, correction))
    return np.asarray(out if keepdim else np.squeeze(out, axis=dim), dtype=x.dtype)


def _var_backward(grad, self, dim, correction=1, keepdim=False):
    # PyTorch: (2 / (N - correction)) * grad * (self - self.mean(dim, keepdim=True))
    shape = tuple(self.shape)
    n = math.prod([shape[d] for d in dim])
    centred = self - self.sum(dim, keepdim=True) / n
    dof = max(0, n - correction)
    # (no degrees of freedom: PyTorch's 2 / 0 is inf, and the gradient nan, as the result is)
    return MUL_SCALAR(_restore_dims(grad, shape, dim, keepdim), other=2.0 / dof if dof else math.inf) * centred


def _std_backward(grad, self, result, dim, correction=1, keepdim=False):
    # PyTorch: var_backward(grad / (result * 2)), 0 where the result is 0
    scaled = zeros_where(array(result) == 0, grad / (result * 2))
    return _var_backward(scaled, self, dim, correction, keepdim)


VAR = define(
    "var", "VarBackward0", forward=_var,
    formula=("result = Σ (self - mean)² / (N - correction)", r"r = \frac{1}{N-c}\sum_i (x_i - \bar x)^2"),
    self=vjp("2 / (N - correction) * grad * (self - mean)", r"\bar x_i = \frac{2 \bar r}{N-c}(x_i - \bar x)",
             _var_backward))
STD = define(
    "std", "StdBackward0", forward=_std,
    formula=("result = sqrt(var(self))", r"r = \sqrt{\operatorname{var}(x)}"),
    self=vjp("grad / (2·result) * 2 / (N - correction) * (self - mean)",
             r"\bar x_i = \frac{\bar r}{r}\frac{x_i - \bar x}{N-c}", _std_backward))


# ---------------------------------------------------------------- vector norms
def _norm(x, ord=2, dim=None, keepdim=False):
    x = x if x.dtype.kind == "f" else x.astype(np.float32)
    magnitude = np.abs(x)
    if ord == 2:
        out = np.sqrt(numerics.torch_sum(x * x, dim, keepdim))
    elif ord == 1:
        out = numerics.torch_sum(magnitude, dim, keepdim)
    elif ord == float("inf"):
        out = np.max(magnitude, axis=dim, keepdims=keepdim)
    elif ord == 0:
        out = np.sum(magnitude != 0, axis=dim, keepdims=keepdim).astype(x.dtype)
    else:
        out = np.sum(magnitude**ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)
    return np.asarray(out, dtype=x.dtype)


def _norm_backward(grad, self, result, ord=2, dim=None, keepdim=False):
    # PyTorch's norm_backward, term by term (where the norm is 0 the gradient is 0)
    shape = tuple(self.shape)
    if dim is not None and not keepdim:
        grad, result = (_restore_dims(t, shape, dim, False) for t in (grad, result))
    r = array(result)
    if ord == 0:
        return _expanded(grad * 0, shape)
    if ord == 1:
        return grad * self.sign()
    zero = r == 0
    if ord == 2:
        return grad * MASKED_FILL(self / result, mask=np.broadcast_to(zero, shape))
    if ord == float("inf"):
        x = array(self)
        mask = np.abs(x) == r
        count = mask.sum(axis=dim, keepdims=True).astype(x.dtype)
        return self.sign() * zeros_where(~mask, _expanded(grad / constant(count), shape))
    scale = MASKED_FILL(grad / result ** (ord - 1), mask=zero)
    if ord < 2:
        return self.sign() * self.abs() ** (ord - 1) * scale
    return self * self.abs() ** (ord - 2) * scale


NORM = define(
    "norm", "LinalgVectorNormBackward0", forward=_norm,
    formula=("result = (Σ |self|^ord)^(1/ord)", r"r = \|x\|_p"),
    self=vjp("grad * self * |self|^(ord-2) / result^(ord-1)", r"\bar x = \bar r\, \frac{x\,|x|^{p-2}}{r^{p-1}}",
             _norm_backward))


# ---------------------------------------------------------------- running totals
def _reversed_cumsum(w, dim):
    """Σ of w from each position to the end along dim: PyTorch's w.flip(dim).cumsum(dim).flip(dim)."""
    return FLIP(CUMSUM(FLIP(w, dims=(dim,)), dim=dim), dims=(dim,))


def _cumsum_backward(grad, dim):
    # PyTorch's cumsum_backward: the gradient as it is where there is nothing to sum
    if grad.numel() <= 1 or grad.shape[dim] == 1:
        return grad
    return _reversed_cumsum(grad, dim)


CUMSUM = define(
    "cumsum", "CumsumBackward0", forward=lambda x, dim: numerics.cumulative(np.add, x, dim),
    formula=("result[i] = Σ self[:i+1] along dim", r"r_i = \sum_{j \le i} x_j"),
    self=vjp("grad summed from each position to the end along dim (flip, cumsum, flip)",
             r"\bar x_i = \sum_{j \ge i} \bar r_j", _cumsum_backward))


def _cumprod_grad_with_zeros(g, x, out, dim):
    """PyTorch's cumprod_backward where the input holds zeros (its O(n) formula, in numpy): up to the first zero
    the usual reversed sum over self, at the first zero the products of what follows it up to the second."""
    count = np.cumsum(x == 0, axis=dim)
    grad_input = np.zeros_like(x)
    mask = count == 0
    before = numerics.cumulative(np.add, np.flip(np.where(mask, out * g, 0), dim), dim)
    grad_input[mask] = (np.flip(before, dim) / x)[mask]
    mask = count == 1
    first = np.argmax(mask, axis=dim)[(slice(None),) * dim + (None,)]
    first_zero = np.zeros_like(mask)
    np.put_along_axis(first_zero, first, True, axis=dim)
    first_zero &= mask
    mask &= ~first_zero
    after = numerics.cumulative(np.multiply, np.where(mask, x, 1), dim) * np.where(count == 1, g, 0)
    total = numerics.torch_sum(after, dim, keepdims=True)
    before_zero = np.where(first == 0, 1, np.take_along_axis(out, np.maximum(first - 1, 0), axis=dim))
    grad_input[first_zero] = np.broadcast_to(total * before_zero.astype(x.dtype), x.shape)[first_zero]
    return grad_input


def _cumprod_backward(grad, self, result, dim):
    # PyTorch's cumprod_backward: without zeros, reversed_cumsum(result * grad) / self; with zeros, where that
    # divides by 0, its formula for them (computed as numbers: a graph of it under create_graph is not built)
    x = array(self)
    if x.size <= 1 or x.shape[dim] == 1:
        return grad
    if not (x == 0).any():
        return _reversed_cumsum(result * grad, dim) / self
    return constant(_cumprod_grad_with_zeros(array(grad), x, array(result), dim))


CUMPROD = define(
    "cumprod", "CumprodBackward0", forward=lambda x, dim: numerics.cumulative(np.multiply, x, dim),
    formula=("result[i] = Π self[:i+1] along dim", r"r_i = \prod_{j \le i} x_j"),
    self=vjp("(Σ result * grad from each position to the end) / self, along dim",
             r"\bar x_i = \frac{1}{x_i}\sum_{j \ge i} r_j \bar r_j", _cumprod_backward))


# ---------------------------------------------------------------- logsumexp and topk
def _logsumexp(x, dim, keepdim=False):
    # PyTorch: the max taken out (0 where it is infinite), Σ exp of the rest, its log, the max added back
    peak = np.max(x, axis=dim, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
    peak = np.where(np.abs(peak) == np.inf, x.dtype.type(0), peak)
    total = numerics.torch_sum(numerics.exp(x - peak), dim, keepdim)
    return np.asarray(numerics.log(total) + (peak if keepdim else np.squeeze(peak, axis=dim)), dtype=x.dtype)


def _logsumexp_backward(grad, self, result, dim, keepdim=False):
    # PyTorch's logsumexp_backward: grad * exp(self - result), the reduced dims put back first
    if not keepdim and self.ndim:
        for d in sorted(dim):
            grad, result = UNSQUEEZE(grad, dim=d), UNSQUEEZE(result, dim=d)
    return grad * (self - result).exp()


LOGSUMEXP = define(
    "logsumexp", "LogsumexpBackward0", forward=_logsumexp,
    formula=("result = log Σ exp(self) over dim", r"r = \ln \sum_i e^{x_i}"),
    self=vjp("grad * exp(self - result)", r"\bar x_i = \bar r\, e^{x_i - r}", _logsumexp_backward))


def _topk(x, k, dim, largest=True, sorted=True):
    if x.ndim == 0:
        return np.array(x, copy=True), {"indices": np.zeros((), np.int64)}
    rows = np.moveaxis(x, dim, -1)
    order = np.array([numerics.topk_order(row, k, largest, sorted) for row in rows.reshape(-1, rows.shape[-1])],
                     dtype=np.int64).reshape((*rows.shape[:-1], k))
    indices = np.moveaxis(order, -1, dim)
    return np.take_along_axis(x, indices, axis=dim), {"indices": indices}


def _topk_backward(grad, indices, self_shape, dim):
    # PyTorch's value_selecting_reduction_backward: zeros with the gradient scattered back to the indices
    if not self_shape:
        return grad
    return SCATTER(constant(np.zeros(self_shape, array(grad).dtype)), grad, dim=dim, index=indices)


TOPK = define(
    "topk", "TopkBackward0", forward=_topk, extra_outputs=("indices",),
    formula=("values, indices = the k largest of self along dim", r"r = \operatorname{top}_k(x)"),
    self=vjp("zeros of self's shape, grad scattered to indices", r"\bar x_{\text{idx}} = \bar r", _topk_backward))

NORM_SCALAR = define(  # torch.norm(x, p, dim) as pairwise_distance calls it: PyTorch's older norm op
    "norm_scalar", "NormBackward1", forward=_norm,
    formula=("result = (Σ |self|^ord)^(1/ord)", r"r = \|x\|_p"),
    self=vjp("grad * self * |self|^(ord-2) / result^(ord-1)", r"\bar x = \bar r\, \frac{x\,|x|^{p-2}}{r^{p-1}}",
             _norm_backward))
