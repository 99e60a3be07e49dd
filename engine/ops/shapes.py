"""Shapes and indexing: views (reshape, squeeze, transpose, expand, ...), indexing and writing into slices,
and joining tensors (cat, stack). A view's gradient is the incoming gradient put back into the input's
shape; an index's gradient is zeros with the incoming gradient added at the indexed places."""

from __future__ import annotations

import numpy as np

from ..tensor import array, constant
from .registry import Op, define, vjp

__all__ = [
    "COPY_SLICES",
    "EXPAND",
    "INDEX",
    "INDEX_PUT",
    "PERMUTE",
    "SELECT",
    "SLICE",
    "SPLIT",
    "SPLIT_WITH_SIZES",
    "SQUEEZE",
    "SQUEEZE_DIM",
    "SQUEEZE_MATMUL",
    "TRANSPOSE",
    "UNBIND",
    "UNSAFE_VIEW",
    "UNSQUEEZE",
    "VIEW",
    "T",
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
