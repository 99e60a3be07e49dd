"""Shapes and indexing: views (reshape, squeeze, transpose, expand, diagonal, ...), indexing and writing into
slices, gathering and scattering along a dim, rearranging (flip, roll, repeat, triangles), and joining tensors
(cat, stack). A view's gradient is the incoming gradient put back into the input's
shape; an index's gradient is zeros with the incoming gradient added at the indexed places."""

from __future__ import annotations

import numpy as np

from ..tensor import array, constant
from .registry import Op, define, vjp

__all__ = [
    "COPY_SLICES",
    "DIAGONAL",
    "DIAGONAL_BACKWARD",
    "DIAGONAL_COPY",
    "DIAG_EMBED",
    "EXPAND",
    "FLIP",
    "GATHER",
    "INDEX",
    "INDEX_ADD",
    "INDEX_PUT",
    "INDEX_SELECT",
    "PERMUTE",
    "REPEAT",
    "RESHAPE_ALIAS",
    "ROLL",
    "SCATTER",
    "SCATTER_ADD",
    "SCATTER_VALUE",
    "SELECT",
    "SLICE",
    "SPLIT",
    "SPLIT_WITH_SIZES",
    "SQUEEZE",
    "SQUEEZE_DIM",
    "SQUEEZE_MATMUL",
    "TRANSPOSE",
    "TRIL",
    "TRIU",
    "UNBIND",
    "UNSAFE_VIEW",
    "UNSQUEEZE",
    "VIEW",
    "T",
    "diagonal_view",
    "joined_op",
]

_RESHAPED_BACK = "grad reshaped to self's shape"


def _reshape(x, size):
    return np.reshape(x, size)


def _view(name, grad_fn, forward, formula, *, view=True):
    return define(name, grad_fn, forward=forward, view=view, formula=(formula, "r = x"),
                  self=vjp(_RESHAPED_BACK, r"\bar x = \operatorname{reshape}(\bar r)",
                           lambda grad, self_shape: grad.reshape(self_shape)))


VIEW = _view("view", "ViewBackward0", _reshape, "result = self.view(size)")
UNSAFE_VIEW = _view("unsafe_view", "UnsafeViewBackward0", _reshape, "result = self.reshape(size)", view=False)
# reshape of a tensor whose elements are not in row-major order, where its strides still allow a view
RESHAPE_ALIAS = _view("reshape_alias", "ReshapeAliasBackward0", _reshape, "result = self.reshape(size) (a view)")
SQUEEZE = _view("squeeze", "SqueezeBackward0", lambda x: np.squeeze(x), "result = self.squeeze()")
SQUEEZE_DIM = _view("squeeze_dim", "SqueezeBackward1",
                    lambda x, dim: np.squeeze(x, axis=dim) if x.shape[dim] == 1 else x, "result = self.squeeze(dim)")
SQUEEZE_MATMUL = _view("squeeze_matmul", "SqueezeBackward4", lambda x, dim: np.squeeze(x, axis=dim),
                       "result = self.squeeze_(dim)")
UNSQUEEZE = _view("unsqueeze", "UnsqueezeBackward0", lambda x, dim: np.expand_dims(x, dim),
                  "result = self.unsqueeze(dim)")
EXPAND = define(  # the backward pass sums the gradient back over the expanded dims
    "expand", "ExpandBackward0", view=True, forward=lambda x, size: np.broadcast_to(x, size),
    formula=("result = self expanded to size", "r = x"),
    self=vjp("grad summed over expanded dims", r"\bar x = \sum_{\text{expanded}} \bar r", lambda grad: grad))
T = define(
    "t", "TBackward0", view=True, forward=np.transpose,
    formula=("result = selfᵀ", r"r = x^{\top}"),
    self=vjp("gradᵀ", r"\bar x = \bar r^{\top}", lambda grad: grad.permute(*reversed(range(grad.ndim)))))
TRANSPOSE = define(
    "transpose", "TransposeBackward0", view=True, forward=lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
    formula=("result = self.transpose(dim0, dim1)", r"r = x^{\top}"),
    self=vjp("grad.transpose(dim0, dim1)", r"\bar x = \bar r^{\top}",
             lambda grad, dim0, dim1: grad.transpose(dim0, dim1)))
PERMUTE = define(
    "permute", "PermuteBackward0", view=True, forward=lambda x, dims: np.transpose(x, dims),
    formula=("result = self.permute(dims)", r"r = x^{\sigma}"),
    self=vjp("grad.permute(inverse dims)", r"\bar x = \bar r^{\sigma^{-1}}",
             lambda grad, dims: grad.permute(*np.argsort(dims).tolist())))


# ---------------------------------------------------------------- pieces: split, unbind (several outputs)
def _pieces(x, sizes, dim):
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _joined(grads, dim):
    """The pieces' gradients joined back along dim (each piece got one: zeros where none reached it)."""
    return joined_op("cat", len(grads))(*grads, dim=dim, sizes=tuple(g.shape[dim] for g in grads),
                                       dtype=array(grads[0]).dtype)


SPLIT = define(  # pieces of split_size along dim, the last one smaller; chunk is a split too
    "split", "SplitBackward0", several_outputs=True, view=True,
    forward=lambda x, sizes, dim, split_size: _pieces(x, sizes, dim),
    formula=("results = self.split(split_size, dim)", r"(r_1, r_2, \dots) = x"),
    self=vjp("the pieces' grads joined along dim", r"\bar x = [\bar r_1; \bar r_2; \dots]",
             lambda grad, dim: _joined(grad, dim)))
SPLIT_WITH_SIZES = define(
    "split_with_sizes", "SplitWithSizesBackward0", several_outputs=True, view=True,
    forward=lambda x, sizes, dim: _pieces(x, sizes, dim),
    formula=("results = self.split(sizes, dim)", r"(r_1, r_2, \dots) = x"),
    self=vjp("the pieces' grads joined along dim", r"\bar x = [\bar r_1; \bar r_2; \dots]",
             lambda grad, dim: _joined(grad, dim)))
UNBIND = define(
    "unbind", "UnbindBackward0", several_outputs=True, view=True,
    forward=lambda x, dim: tuple(np.moveaxis(x, dim, 0)),
    formula=("results = self.unbind(dim)", r"(r_1, r_2, \dots) = x"),
    self=vjp("the slices' grads stacked along dim", r"\bar x = [\bar r_1, \bar r_2, \dots]",
             lambda grad, dim: joined_op("stack", len(grad))(*grad, dim=dim, dtype=array(grad[0]).dtype)))


# ---------------------------------------------------------------- indexing
def _zeros_with(grad, shape, index):
    """Zeros of `shape` with grad added at `index` (repeated indices add up)."""
    return INDEX_PUT(constant(np.zeros(shape, array(grad).dtype)), grad, index=index)


SELECT = define(
    "select", "SelectBackward0", view=True, forward=lambda x, index: x[index],
    formula=("result = self[index]", r"r = x_{i}"),
    self=vjp("zeros with grad at index", r"\bar x_i = \bar r",
             lambda grad, self_shape, index: _zeros_with(grad, self_shape, index)))
SLICE = define(
    "slice", "SliceBackward0", view=True, forward=lambda x, index: x[index],
    formula=("result = self[start:stop:step]", r"r = x_{a:b}"),
    self=vjp("zeros with grad in the slice", r"\bar x_{a:b} = \bar r",
             lambda grad, self_shape, index: _zeros_with(grad, self_shape, index)))
INDEX = define(
    "index", "IndexBackward0", forward=lambda x, index: x[index],
    formula=("result = self[indices]", r"r = x_{I}"),
    self=vjp("zeros with grad added at indices", r"\bar x_{I} \mathrel{+}= \bar r",
             lambda grad, self_shape, index: _zeros_with(grad, self_shape, index)))


def _index_put(x, values, index):
    out = np.array(x, copy=True)
    np.add.at(out, index, values)
    return out


INDEX_PUT = define(  # x.index_put(index, values, accumulate=True): how indexing's gradient is built
    "index_put", "IndexPutImplBackward0", forward=_index_put,
    formula=("result = self with values added at index", r"r = x,\ r_I \mathrel{+}= v"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    values=vjp("grad[index]", r"\bar v = \bar r_I", lambda grad, index: grad[index]))


def _assign(x, src, index):
    out = np.array(x, copy=True)
    out[index] = src
    return out


def _with_zeros_at(grad, index):
    mask = np.ones(np.shape(array(grad)), dtype=array(grad).dtype)
    mask[index] = 0
    return grad * constant(mask)


COPY_SLICES = define(  # x[index] = src, recorded on x
    "copy_slices", "CopySlices", forward=_assign,
    formula=("self[index] = src", r"x_{I} \leftarrow v"),
    self=vjp("grad with zeros at index", r"\bar x = \bar r,\ \bar x_I = 0", _with_zeros_at),
    src=vjp("grad[index]", r"\bar v = \bar r_I", lambda grad, index: grad[index]))


# ---------------------------------------------------------------- joining tensors (a variable number of inputs)
# cat and stack take any number of tensors, so their entry is made per count of inputs (and cached): one
# next_functions slot per tensor, as PyTorch's CatBackward0 and StackBackward0 have. They are not in REGISTRY
# (which holds ops of a fixed signature, each with its generated gradient test); tests/engine cover them apart.
_JOINED: dict = {}


def _cat(*arrays, dim, sizes, dtype):
    kept = [np.asarray(x, dtype=dtype) for x, n in zip(arrays, sizes) if n is not None]
    return np.concatenate(kept, axis=dim)


def _cat_part(i):
    def derivative(grad, dim, sizes):
        if sizes[i] is None:  # a legacy empty 1-D tensor, left out of the result
            return constant(np.zeros((0,), array(grad).dtype))
        start = sum(n for n in sizes[:i] if n is not None)
        return grad[(slice(None),) * dim + (slice(start, start + sizes[i]),)]

    return derivative


def _stack(*arrays, dim, dtype):
    return np.stack([np.asarray(x, dtype=dtype) for x in arrays], axis=dim)


def _stack_part(i):
    return lambda grad, dim: grad[(slice(None),) * dim + (i,)]


def joined_op(kind: str, n: int) -> Op:
    """The entry of `cat` or `stack` over n tensors."""
    op = _JOINED.get((kind, n))
    if op is None:
        names = tuple(f"tensors[{i}]" for i in range(n))
        if kind == "cat":
            derivatives = tuple(vjp(f"grad.narrow(dim, offset[{i}], size[{i}])", rf"\bar X_{{{i}}} = \bar R_{{[{i}]}}",
                                    _cat_part(i)) for i in range(n))
            op = Op("cat", "CatBackward0", _cat, names, derivatives, "result = cat(tensors, dim)",
                    r"R = [X_1; X_2; \dots]")
        else:
            derivatives = tuple(vjp(f"grad.select(dim, {i})", rf"\bar X_{{{i}}} = \bar R_{{\dots,{i},\dots}}",
                                    _stack_part(i)) for i in range(n))
            op = Op("stack", "StackBackward0", _stack, names, derivatives, "result = stack(tensors, dim)",
                    r"R_{\dots,i,\dots} = X_i")
        _JOINED[(kind, n)] = op
    return op


# ---------------------------------------------------------------- rearranging: flip, roll, repeat
FLIP = define(
    "flip", "FlipBackward0", forward=lambda x, dims: np.flip(x, dims).copy(),
    formula=("result = self reversed along dims", r"r_{i} = x_{n-1-i}"),
    self=vjp("grad.flip(dims)", r"\bar x_{i} = \bar r_{n-1-i}", lambda grad, dims: FLIP(grad, dims=dims)))


def _roll(x, shifts, dims):
    # no dims: the elements rolled in their flattened order, as PyTorch does
    return np.roll(x, shifts[0]) if not dims else np.roll(x, shifts, axis=dims)


ROLL = define(
    "roll", "RollBackward0", forward=_roll,
    formula=("result = self rolled by shifts along dims", r"r_{i} = x_{i - s}"),
    self=vjp("grad.roll(-shifts, dims)", r"\bar x_{i} = \bar r_{i + s}",
             lambda grad, shifts, dims: ROLL(grad, shifts=tuple(-s for s in shifts), dims=dims)))


def _repeat_backward(grad, self_shape, repeats):
    # PyTorch's repeat_backward: sum away the leading new dims, then view each repeated dim as (repeat, size)
    # and sum over the repeats, all in one reshape and one sum
    if 0 in repeats:
        return constant(np.zeros(self_shape, array(grad).dtype))
    lead = len(repeats) - len(self_shape)
    for _ in range(lead):
        grad = grad.sum(0)
    size, summed = [], []
    for d, n in enumerate(self_shape):
        if repeats[d + lead] != 1:
            size.append(repeats[d + lead])
            summed.append(len(size) - 1)
        size.append(n)
    return grad.reshape(size).sum(summed) if summed else grad


REPEAT = define(
    "repeat", "RepeatBackward0", forward=lambda x, repeats: np.tile(x, repeats),
    formula=("result = self tiled repeats times along each dim", r"R = [X\ X\ \cdots]"),
    self=vjp("grad summed over the repeats", r"\bar X = \sum_{\text{copies}} \bar R", _repeat_backward))


# ---------------------------------------------------------------- triangles and diagonals
TRIL = define(
    "tril", "TrilBackward0", forward=lambda x, diagonal: np.tril(x, diagonal),
    formula=("result = self on and below the diagonal, 0 above", r"r_{ij} = [j - i \le k]\, x_{ij}"),
    self=vjp("grad.tril(diagonal)", r"\bar x_{ij} = [j - i \le k]\, \bar r_{ij}",
             lambda grad, diagonal: TRIL(grad, diagonal=diagonal)))
TRIU = define(
    "triu", "TriuBackward0", forward=lambda x, diagonal: np.triu(x, diagonal),
    formula=("result = self on and above the diagonal, 0 below", r"r_{ij} = [j - i \ge k]\, x_{ij}"),
    self=vjp("grad.triu(diagonal)", r"\bar x_{ij} = [j - i \ge k]\, \bar r_{ij}",
             lambda grad, diagonal: TRIU(grad, diagonal=diagonal)))


def diagonal_view(x, offset, dim1, dim2):
    """The diagonal of x over dims (dim1, dim2) as a writable view, the diagonal last (as torch.diagonal)."""
    first = x[(slice(None),) * dim2 + (slice(offset, None),)] if offset >= 0 else \
        x[(slice(None),) * dim1 + (slice(-offset, None),)]
    n = max(0, min(first.shape[dim1], first.shape[dim2]))
    keep = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    shape = (*tuple(x.shape[d] for d in keep), n)
    strides = (*tuple(x.strides[d] for d in keep), x.strides[dim1] + x.strides[dim2])
    return np.lib.stride_tricks.as_strided(first, shape, strides)


def _diagonal_backward(grad_output, input_sizes, offset, dim1, dim2):
    out = np.zeros(input_sizes, np.result_type(grad_output))
    diagonal_view(out, offset, dim1, dim2)[...] = grad_output
    return out


DIAGONAL_BACKWARD = define(  # the gradient of a diagonal: zeros with grad_output on the diagonal
    "diagonal_backward", "DiagonalBackwardBackward0", forward=_diagonal_backward,
    formula=("result = zeros of input_sizes, grad_output on the diagonal", r"r_{ii} = \bar y_i"),
    grad_output=vjp("grad.diagonal(offset, dim1, dim2)", r"\bar{\bar y}_i = \bar r_{ii}",
                    lambda grad, offset, dim1, dim2: DIAGONAL(grad, offset=offset, dim1=dim1, dim2=dim2)))


def _diagonal_grad(grad, self_shape, offset, dim1, dim2):
    return DIAGONAL_BACKWARD(grad, input_sizes=tuple(self_shape), offset=offset, dim1=dim1, dim2=dim2)


DIAGONAL = define(
    "diagonal", "DiagonalBackward0", view=True, forward=diagonal_view,
    formula=("result = self's diagonal at offset over (dim1, dim2)", r"r_i = x_{i, i + k}"),
    self=vjp("zeros of self's shape, grad on its diagonal (offset, dim1, dim2)", r"\bar x_{i, i + k} = \bar r_i",
             _diagonal_grad))
DIAGONAL_COPY = define(  # torch.diag of a matrix: a copy of the diagonal, PyTorch's node named as it names it
    "diagonal_copy", "DiagonalBackward0_copy", forward=lambda x, offset, dim1, dim2: diagonal_view(
        x, offset, dim1, dim2).copy(),
    formula=("result = a copy of self's diagonal at offset", r"r_i = x_{i, i + k}"),
    self=vjp("zeros of self's shape, grad on its diagonal (offset, dim1, dim2)", r"\bar x_{i, i + k} = \bar r_i",
             _diagonal_grad))


def _diag_embed(x, offset, dim1, dim2):
    n = x.shape[-1] + abs(offset)
    shape = list(x.shape[:-1])
    for d in sorted((dim1, dim2)):
        shape.insert(d, n)
    out = np.zeros(shape, x.dtype)
    diagonal_view(out, offset, dim1, dim2)[...] = x
    return out


DIAG_EMBED = define(
    "diag_embed", "DiagEmbedBackward0", forward=_diag_embed,
    formula=("result = zeros with self on the diagonal over (dim1, dim2)", r"R_{i, i + k} = x_i"),
    self=vjp("grad.diagonal(offset, dim1, dim2)", r"\bar x_i = \bar R_{i, i + k}",
             lambda grad, offset, dim1, dim2: DIAGONAL(grad, offset=offset, dim1=dim1, dim2=dim2)))


# ---------------------------------------------------------------- gather and scatter along a dim
def _up_to(shape, dim):
    """The slices that cut a tensor to `shape` in every dim but `dim` (gather's index may be smaller)."""
    return tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(shape))


def _along(index, dim):
    """A numpy index that picks, for every position of `index`, the element at that position with its dim
    `dim` replaced by the index's value."""
    ndim = index.ndim
    return tuple(index if d == dim else np.arange(n).reshape([-1 if k == d else 1 for k in range(ndim)])
                 for d, n in enumerate(index.shape))


GATHER = define(
    "gather", "GatherBackward0", forward=lambda x, dim, index: np.take_along_axis(x[_up_to(index.shape, dim)],
                                                                                   index, axis=dim),
    formula=("result[i][j] = self[i][index[i][j]] (along dim)", r"r_{ij} = x_{i,\, I_{ij}}"),
    self=vjp("zeros of self's shape, grad added at index (scatter_add)",
             r"\bar x_{i,\, I_{ij}} \mathrel{+}= \bar r_{ij}",
             lambda grad, self_shape, dim, index: SCATTER_ADD(constant(np.zeros(self_shape, array(grad).dtype)), grad,
                                                              dim=dim, index=index)))


def _leading_part(src, index):
    """The part of src that index covers (src may be larger in every dim)."""
    return src[tuple(slice(0, n) for n in index.shape)]


def _scatter_add(x, src, dim, index):
    out = np.array(x, copy=True)
    np.add.at(out, _along(index, dim), _leading_part(src, index))
    return out


SCATTER_ADD = define(
    "scatter_add", "ScatterAddBackward0", forward=_scatter_add,
    formula=("result = self, with src[i][j] added at [i][index[i][j]] (along dim)",
             r"r = x,\ r_{i,\, I_{ij}} \mathrel{+}= s_{ij}"),
    self=vjp("grad", r"\bar x = \bar r", lambda grad: grad),
    src=vjp("grad.gather(dim, index)", r"\bar s_{ij} = \bar r_{i,\, I_{ij}}",
            lambda grad, dim, index: GATHER(grad, dim=dim, index=index)))


def _scatter(x, src, dim, index):
    out = np.array(x, copy=True)
    out[_along(index, dim)] = _leading_part(src, index)
    return out


def _scatter_value(x, dim, index, value):
    out = np.array(x, copy=True)
    out[_along(index, dim)] = value
    return out


SCATTER = define(
    "scatter", "ScatterBackward0", forward=_scatter,
    formula=("result = self, with src[i][j] written at [i][index[i][j]] (along dim)",
             r"r = x,\ r_{i,\, I_{ij}} = s_{ij}"),
    self=vjp("grad.scatter(dim, index, 0)", r"\bar x = \bar r,\ \bar x_{i,\, I_{ij}} = 0",
             lambda grad, dim, index: SCATTER_VALUE(grad, dim=dim, index=index, value=0)),
    src=vjp("grad.gather(dim, index)", r"\bar s_{ij} = \bar r_{i,\, I_{ij}}",
            lambda grad, dim, index: GATHER(grad, dim=dim, index=index)))
SCATTER_VALUE = define(
    "scatter_value", "ScatterBackward1", forward=_scatter_value,
    formula=("result = self, with value written at [i][index[i][j]] (along dim)", r"r = x,\ r_{i,\, I_{ij}} = c"),
    self=vjp("grad.scatter(dim, index, 0)", r"\bar x = \bar r,\ \bar x_{i,\, I_{ij}} = 0",
             lambda grad, dim, index: SCATTER_VALUE(grad, dim=dim, index=index, value=0)))


# ---------------------------------------------------------------- index_select and index_add along a dim
def _index_add(x, source, dim, index):
    out = np.array(x, copy=True)
    np.add.at(out, (slice(None),) * dim + (index,), source)
    return out


INDEX_SELECT = define(
    "index_select", "IndexSelectBackward0", forward=lambda x, dim, index: np.take(x, index, axis=dim),
    formula=("result = the slices of self at index along dim", r"R_{i} = X_{I_i}"),
    self=vjp("zeros of self's shape, grad added at index (index_add)", r"\bar X_{I_i} \mathrel{+}= \bar R_{i}",
             lambda grad, self_shape, dim, index: INDEX_ADD(constant(np.zeros(self_shape, array(grad).dtype)), grad,
                                                            dim=dim, index=index)))
INDEX_ADD = define(
    "index_add", "IndexAddBackward0", forward=_index_add,
    formula=("result = self, with source's slices added at index along dim", r"R = X,\ R_{I_i} \mathrel{+}= S_{i}"),
    self=vjp("grad", r"\bar X = \bar R", lambda grad: grad),
    source=vjp("grad.index_select(dim, index), expanded to source's shape", r"\bar S_{i} = \bar R_{I_i}",
               lambda grad, source_shape, dim, index: EXPAND(INDEX_SELECT(grad, dim=dim, index=index),
                                                             size=tuple(source_shape))))
