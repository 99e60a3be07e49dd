"""PyTorch's functions over tensors (`engine.add`, `engine.matmul`, ...), each a thin call into the registry.

Functions that PyTorch builds from several ops (matmul of a vector, cross_entropy, indexing) build the same
chain of nodes here, so the graph looks like PyTorch's.
"""

from __future__ import annotations

import builtins
import functools

import numpy as np

from . import dtypes, ops, return_types
from .apply import apply, broadcast_error
from .grad_mode import is_grad_enabled
from .ops import joined_op
from .tensor import Tensor, wrap, wrap_dim


def _numpy_spellings(fn):
    """Also take numpy's names for two arguments, as PyTorch does: axis for dim, keepdims for keepdim."""

    @functools.wraps(fn)
    def function(*args, **kwargs):
        if "axis" in kwargs:
            kwargs["dim"] = kwargs.pop("axis")
        if "keepdims" in kwargs:
            kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return function


def _t(x) -> Tensor:
    """Python numbers and arrays become constant tensors (PyTorch wraps scalars the same way)."""
    if isinstance(x, Tensor):
        return x
    dtype = dtypes.result_np_dtype([x]) if isinstance(x, (bool, int, float)) else None
    if type(x) is int:
        x = dtypes.scalar_int(x)
    return wrap(np.asarray(x, dtype=dtype))


def _check_number(x, opname, input=None):
    """`other` of a binary op: a tensor, or a number as PyTorch's Scalar holds it (PyTorch's errors for ints
    beyond 64 bits; an int from 2**63 up wraps around in integer arithmetic, as a uint64 Scalar does)."""
    if not isinstance(x, (Tensor, int, float, bool, np.number)):
        raise TypeError(
            f"{opname}(): argument 'other' (position 1) must be Tensor, not {type(x).__name__}")
    if type(x) is int:
        return dtypes.scalar_int(x, input._data.dtype if isinstance(input, Tensor) else None)
    return x.item() if isinstance(x, np.number) else x


# ---------------------------------------------------------------- arithmetic
def add(input, other, *, alpha=1):
    other = _check_number(other, "add", input)
    if type(alpha) is int:
        dtypes.scalar_int(alpha)
    if not isinstance(input, Tensor):
        input, other = other, input
    return apply(ops.ADD, input, other) if alpha == 1 else apply(ops.ADD, input, other, alpha=alpha)


def sub(input, other, *, alpha=1):
    other = _check_number(other, "sub", input)
    if type(alpha) is int:
        dtypes.scalar_int(alpha)
    if not isinstance(input, Tensor):
        return rsub(other, input, alpha=alpha)
    return apply(ops.SUB, input, other) if alpha == 1 else apply(ops.SUB, input, other, alpha=alpha)


def rsub(input, other, *, alpha=1):
    """other - alpha * input (PyTorch's RsubBackward1 when `other` is a number)."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    other = _check_number(other, "rsub", input)
    return apply(ops.RSUB, input, other=other) if alpha == 1 else apply(ops.RSUB, input, other=other, alpha=alpha)


def remainder(input, other):
    """input % other with the sign of other (Python's rule), as torch.remainder."""
    if isinstance(other, Tensor):
        return apply(ops.REMAINDER, input, other)
    other = _check_number(other, "remainder")
    if type(other) is int:
        other = dtypes.scalar_int(other, input._data.dtype)
    x = input
    if isinstance(other, float) and x._data.dtype.kind in "biu":  # (an int tensor % 2.5 is a float tensor)
        x = to_dtype(x, dtypes.get_default_dtype())
    return apply(ops.REMAINDER_SCALAR, x, other=other)


def mul(input, other):
    other = _check_number(other, "mul", input)
    if not isinstance(input, Tensor):
        input, other = other, input
    return apply(ops.MUL, input, other)


def div(input, other, *, rounding_mode=None):
    other = _check_number(other, "div", input)
    if rounding_mode is not None:  # no gradient flows through a rounded quotient
        a, b = _t(input)._data, _data_or_number(other)
        dtype = dtypes.result_np_dtype([a, b])
        # (floor: Python's floor division, as PyTorch's: floor(a / b) can round the wrong way)
        with np.errstate(all="ignore"):
            quotient = np.floor_divide(a, b) if rounding_mode == "floor" else np.trunc(np.true_divide(a, b))
            return wrap(np.asarray(quotient, dtype=dtype))
    if not isinstance(input, Tensor):
        return mul(reciprocal(other), input)
    if dtypes.result_np_dtype([input._data, _data_or_number(other)]).kind in "biu":
        input = to_dtype(input, dtypes.get_default_dtype())  # true division of integers gives floats
    return apply(ops.DIV, input, other)


def _data_or_number(x):
    return x._data if isinstance(x, Tensor) else x


true_divide = divide = div
multiply = mul
subtract = sub


def reciprocal(input):
    x = input if input._data.dtype.kind == "f" else input.to(dtypes.get_default_dtype())
    return apply(ops.RECIPROCAL, x)


def neg(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return apply(ops.NEG, input)


negative = neg


def pow(input, exponent):
    if isinstance(input, Tensor) and isinstance(exponent, Tensor):
        return apply(ops.POW_TENSOR, input, exponent)
    if isinstance(input, Tensor):
        exponent = _check_number(exponent, "pow")
        return _pow_scalar(input, exponent)
    return apply(ops.RPOW, exponent, base=input)


def _pow_scalar(x, e):
    data = x._data
    if data.dtype.kind in "iu" and isinstance(e, int) and e < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if data.dtype.kind in "iub" and isinstance(e, float):
        x = x.to(dtypes.get_default_dtype())
    return apply(ops.POW, x, exponent=e)


def square(input):
    return _pow_scalar(input, 2)


def _float_unary(op):
    """torch.exp and its kin: an integer tensor is computed in the default float dtype, as PyTorch does."""

    def function(input):
        if not isinstance(input, Tensor):
            raise TypeError(f"{op.name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        x = input if input._data.dtype.kind == "f" else input.to(dtypes.get_default_dtype())
        return apply(op, x)

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = f"PyTorch's {op.name}: {op.formula}."
    return function


exp = _float_unary(ops.EXP)
log = _float_unary(ops.LOG)
sqrt = _float_unary(ops.SQRT)
sin = _float_unary(ops.SIN)
cos = _float_unary(ops.COS)
tanh = _float_unary(ops.TANH)
sigmoid = _float_unary(ops.SIGMOID)
log1p = _float_unary(ops.LOG1P)
expm1 = _float_unary(ops.EXPM1)
log2 = _float_unary(ops.LOG2)
log10 = _float_unary(ops.LOG10)
exp2 = _float_unary(ops.EXP2)
sinh = _float_unary(ops.SINH)
cosh = _float_unary(ops.COSH)
tan = _float_unary(ops.TAN)
asin = _float_unary(ops.ASIN)
acos = _float_unary(ops.ACOS)
atan = _float_unary(ops.ATAN)
rsqrt = _float_unary(ops.RSQRT)
arcsin, arccos, arctan = asin, acos, atan


def abs(input):
    return apply(ops.ABS, input)


absolute = abs


def relu(input):
    return apply(ops.RELU, input)


_CLAMP_KERNELS = {(True, False): "clamp_min_scalar_cpu", (False, True): "clamp_max_scalar_cpu",
                  (True, True): "clamp_scalar_cpu"}


def clamp(input, min=None, max=None):
    """PyTorch's two overloads: tensor bounds (ClampBackward0, a gradient for each bound too), or numbers
    (ClampBackward1; a 0-d tensor beside a number counts as one). Either way the result has the dtype of self
    and the bounds promoted together: an integer tensor clamped at 0.5 is a float tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = [b for b in (min, max) if b is not None]
    if builtins.all(isinstance(b, Tensor) for b in bounds):
        shape = input._data.shape
        for bound in bounds:  # (PyTorch's message names the first dimension that does not broadcast)
            try:
                shape = np.broadcast_shapes(shape, bound._data.shape)
            except ValueError:
                raise broadcast_error([np.empty(shape), bound._data]) from None
        return apply(ops.CLAMP_TENSOR, input, min, max)
    min, max = (b.item() if isinstance(b, Tensor) and not b._data.ndim else b for b in (min, max))
    for bound in (min, max):
        if type(bound) is int:
            dtypes.scalar_int(bound)
    dtype = dtypes.result_np_dtype([input._data, *(b for b in (min, max) if b is not None)])
    if dtype == np.bool_:
        raise NotImplementedError(f'"{_CLAMP_KERNELS[min is not None, max is not None]}" not implemented for '
                                  "'Bool'")
    if dtype != input._data.dtype:
        input = to_dtype(input, dtypes.from_numpy_dtype(dtype))
    if dtype.kind in "iu":  # (an integer bound in the tensor's integer type, wrapping around as PyTorch's does)
        min, max = (b if b is None else np.array(b).astype(dtype)[()] for b in (min, max))
    return apply(ops.CLAMP, input, min=min, max=max)


clip = clamp


def maximum(input, other):
    return apply(ops.MAXIMUM, input, _t(other))


def minimum(input, other):
    return apply(ops.MINIMUM, input, _t(other))


_WHERE_SIGNATURES = (("Tensor", "Tensor", "Tensor"), ("Tensor", "Number", "Tensor"), ("Tensor", "Tensor", "Number"),
                     ("Tensor", "Number", "Number"))
_WHERE_TEXT = ("(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
               "(Tensor condition, Number self, Tensor other)", "(Tensor condition, Tensor input, Number other)",
               "(Tensor condition, Number self, Number other)")


def _kind(value) -> str:
    if isinstance(value, Tensor):
        return "Tensor"
    return "Number" if isinstance(value, (int, float, bool, np.number)) else type(value).__name__


def _where_arguments_error(args) -> TypeError:
    """PyTorch's message for where() called with arguments no overload takes."""
    def name(a):
        if isinstance(a, (list, tuple)):
            return f"{type(a).__name__} of [{', '.join(dict.fromkeys(type(v).__name__ for v in a))}]"
        return "Tensor" if isinstance(a, Tensor) else type(a).__name__

    got = tuple("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    lines = [f"where() received an invalid combination of arguments - got ({', '.join(got)}), but expected one "
             "of:", " * (Tensor condition)"]
    for i, (signature, text) in enumerate(zip(_WHERE_SIGNATURES, _WHERE_TEXT)):
        lines.append(f" * {text}")
        marked = [name(a) if _kind(a) == want else f"!{name(a)}!" for a, want in zip(args, signature)]
        if i:  # (PyTorch gives no reason for its first full overload)
            lines.append(f"      didn't match because some of the arguments have invalid types: ({', '.join(marked)})")
    return TypeError("\n".join(lines) + "\n")


def where(condition, input, other):
    if _kind(input) not in ("Tensor", "Number") or _kind(other) not in ("Tensor", "Number"):
        raise _where_arguments_error((condition, input, other))
    if isinstance(condition, Tensor):
        cond = condition._data.astype(bool)
    else:
        cond = np.asarray(condition, dtype=bool)
    x, y = _t(input), _t(other)
    return apply(ops.WHERE, x, y, condition=cond)


def clone(input):
    return apply(ops.CLONE, input)


def to_dtype(x: Tensor, dtype) -> Tensor:
    if isinstance(dtype, (type, str)):
        dtype = dtypes.from_numpy_dtype(np.dtype(dtype))
    if x._data.dtype == dtype.np:
        return x
    if x._requires_grad and is_grad_enabled() and not dtype.is_floating_point:
        with np.errstate(all="ignore"):  # (nan and inf to integers: PyTorch converts them silently)
            return wrap(x._data.astype(dtype.np))
    return apply(ops.TO_COPY, x, dtype=dtype.np)


# ---------------------------------------------------------------- reductions
def _dims(dim, ndim):
    """The reduced dims, wrapped and sorted. A 0-d tensor takes dim 0 or -1 as PyTorch does (as if it had one
    dimension of size 1), and reducing over it changes nothing: no dims."""
    dims = [wrap_dim(d, ndim) for d in dim] if isinstance(dim, (list, tuple)) else [wrap_dim(dim, ndim)]
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if ndim else ()


def _sum_dtype(x):
    return np.int64 if x._data.dtype.kind in "biu" else None


@_numpy_spellings
def sum(input, dim=None, keepdim=False, *, dtype=None):
    x = input if dtype is None else to_dtype(input, dtype)
    if x._data.dtype.kind in "biu":
        x = to_dtype(x, dtypes.int64)
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return apply(ops.SUM, x)
    return apply(ops.SUM_DIM, x, dim=_dims(dim, x._data.ndim), keepdim=keepdim)


@_numpy_spellings
def mean(input, dim=None, keepdim=False, *, dtype=None):
    x = input if dtype is None else to_dtype(input, dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {dtypes.short_name(x._data.dtype)}")
    if dim is None:
        return apply(ops.MEAN, x)
    return apply(ops.MEAN_DIM, x, dim=_dims(dim, x._data.ndim), keepdim=keepdim)


def _extreme(kind, input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):  # torch.max(a, b): elementwise
        return (maximum if kind == "max" else minimum)(input, dim)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return apply(ops.MAX if kind == "max" else ops.MIN, input)
    d = wrap_dim(dim, input._data.ndim)
    if not input._data.ndim:  # (a 0-d tensor is its own max over dim 0, at index 0)
        d = None
    values, extras = apply(ops.MAX_DIM if kind == "max" else ops.MIN_DIM, input, dim=d, keepdim=keepdim)
    pair = return_types.max if kind == "max" else return_types.min
    return pair(values, wrap(extras["indices"]))


@_numpy_spellings
def max(input, dim=None, keepdim=False):
    return _extreme("max", input, dim, keepdim)


@_numpy_spellings
def min(input, dim=None, keepdim=False):
    return _extreme("min", input, dim, keepdim)


def _all_or(dim, ndim):
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        return tuple(range(ndim))
    return _dims(dim, ndim)


@_numpy_spellings
def amax(input, dim=(), keepdim=False):
    return apply(ops.AMAX, input, dim=_all_or(dim, input._data.ndim), keepdim=keepdim)


@_numpy_spellings
def amin(input, dim=(), keepdim=False):
    return apply(ops.AMIN, input, dim=_all_or(dim, input._data.ndim), keepdim=keepdim)


@_numpy_spellings
def prod(input, dim=None, keepdim=False, *, dtype=None):
    x = input if dtype is None else to_dtype(input, dtype)
    if x._data.dtype.kind in "biu":
        x = to_dtype(x, dtypes.int64)
    if dim is None:
        return apply(ops.PROD, x)
    return apply(ops.PROD_DIM, x, dim=wrap_dim(dim, x._data.ndim), keepdim=keepdim)


@_numpy_spellings
def sort(input, dim=-1, descending=False, stable=False):
    d = wrap_dim(dim, input._data.ndim)
    if not input._data.ndim:
        return return_types.sort(input.clone(), wrap(np.zeros((), np.int64)))
    op = ops.SORT_STABLE if stable else ops.SORT
    values, extras = apply(op, input, dim=d, descending=descending, stable=stable)
    return return_types.sort(values, wrap(extras["indices"]))


@_numpy_spellings
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


def trace(input):
    return apply(ops.TRACE, input)


def bincount(input, weights=None, minlength=0):
    data = input._data
    if data.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if data.dtype.kind not in "iub" or (data.size and data.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    w = None if weights is None else weights._data
    counts = np.bincount(data, weights=w, minlength=minlength)
    if w is None:
        return wrap(counts.astype(np.int64))
    return wrap(counts.astype(w.dtype if w.dtype.kind == "f" else np.float64))


def _std_or_var(name, input, dim, unbiased, keepdim, correction):
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # the legacy x.std(False): unbiased given first
        dim, unbiased = None, dim
    corr = (1 if unbiased else 0) if correction is None else correction
    op = ops.STD if name == "std" else ops.VAR
    return apply(op, input, dim=_all_or(dim, input._data.ndim), correction=corr, keepdim=keepdim)


@_numpy_spellings
def std(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    return _std_or_var("std", input, dim, unbiased, keepdim, correction)


@_numpy_spellings
def var(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    return _std_or_var("var", input, dim, unbiased, keepdim, correction)


def _arg_extreme(pick, input, dim, keepdim):
    d = input._data
    if dim is not None and not d.ndim:  # (a 0-d tensor over its dim 0: index 0)
        wrap_dim(dim, 0)
        return wrap(np.zeros((), np.int64))
    if dim is None:
        return wrap(np.asarray(pick(d), dtype=np.int64))
    return wrap(np.asarray(pick(d, axis=dim, keepdims=keepdim), dtype=np.int64))


@_numpy_spellings
def argmax(input, dim=None, keepdim=False):
    return _arg_extreme(np.argmax, input, dim, keepdim)


@_numpy_spellings
def argmin(input, dim=None, keepdim=False):
    return _arg_extreme(np.argmin, input, dim, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise RuntimeError("nuclear norm is not supported by this engine")
    attrs = {"ord": float(p) if not isinstance(p, int) else p, "keepdim": keepdim}
    if dim is not None:
        attrs["dim"] = _dims(dim, input._data.ndim)
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {dtypes.short_name(input._data.dtype)}")
    return apply(ops.NORM, input, **attrs)


# ---------------------------------------------------------------- shapes
def _infer_shape(shape, numel):
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1]))
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    if int(np.prod(shape)) != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return tuple(shape)


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def view(x, *shape):
    size = _infer_shape(_shape_args(shape), x._data.size)
    if not (x._data.flags.c_contiguous or x._data.ndim <= 1):
        try:
            np.reshape(x._data, size, copy=False)
        except ValueError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension "
                "spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return apply(ops.VIEW, x, size=size)


def reshape(x, *shape):
    """A view: ViewBackward0 for a tensor in row-major order, ReshapeAliasBackward0 for another whose strides
    allow one (PyTorch's test is numpy's); else a copy, viewed: CloneBackward0 then UnsafeViewBackward0."""
    size = _infer_shape(_shape_args(shape), x._data.size)
    if x._data.flags.c_contiguous:
        return apply(ops.VIEW, x, size=size)
    if _viewable(x._data, size):
        return apply(ops.RESHAPE_ALIAS, x, size=size)
    return apply(ops.UNSAFE_VIEW, apply(ops.CLONE, x, memory_format="contiguous"), size=size)


def _viewable(data, size) -> bool:
    try:
        np.reshape(data, size, copy=False)
    except ValueError:
        return False
    return True


def contiguous(input):
    """The tensor itself if its elements lie in row-major order, else a copy that does (CloneBackward0)."""
    return input if input._data.flags.c_contiguous else apply(ops.CLONE, input, memory_format="contiguous")


def flatten(x, start_dim=0, end_dim=-1):
    nd = x._data.ndim
    if nd == 0:
        return reshape(x, 1)
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s == e:
        return x
    shape = x._data.shape
    return reshape(x, *shape[:s], int(np.prod(shape[s:e + 1])), *shape[e + 1:])


@_numpy_spellings
def squeeze(x, dim=None):
    if dim is None:
        return apply(ops.SQUEEZE, x)
    d = wrap_dim(dim, x._data.ndim)
    return apply(ops.SQUEEZE_DIM, x, dim=d)


@_numpy_spellings
def unsqueeze(x, dim):
    d = wrap_dim(dim, x._data.ndim + 1)
    return apply(ops.UNSQUEEZE, x, dim=d)


def t(x):
    if x._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x._data.ndim}D")
    return apply(ops.T, x)


def transpose(x, dim0, dim1):
    nd = x._data.ndim
    return apply(ops.TRANSPOSE, x, dim0=wrap_dim(dim0, nd), dim1=wrap_dim(dim1, nd))


swapaxes = transpose


def permute(x, *dims):
    dims = tuple(wrap_dim(d, x._data.ndim) for d in _shape_args(dims))
    if sorted(dims) != list(range(x._data.ndim)):
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           "length of the desired ordering of dimensions i.e. input.dim() = "
                           f"{x._data.ndim} is not equal to len(dims) = {len(dims)}")
    return apply(ops.PERMUTE, x, dims=dims)


def expand(x, *sizes):
    sizes = tuple(_shape_args(sizes))
    shape = x._data.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        legacy = dtypes.from_numpy_dtype(x._data.dtype).legacy_name
        raise RuntimeError(
            f"expand(torch.{legacy}{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, sizes))}]): the "
            f"number of sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({len(shape)})")
    target = list(sizes)
    for i in reversed(range(len(sizes))):  # (PyTorch checks from the last dim back, and names the first it finds)
        if i < lead:
            if sizes[i] < 0:
                raise RuntimeError(f"The expanded size of the tensor ({sizes[i]}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            continue
        size = shape[i - lead]
        if sizes[i] == -1:
            target[i] = size
        elif sizes[i] != size and size != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({sizes[i]}) must match the existing size ({size}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")
    return apply(ops.EXPAND, x, size=tuple(target))


def broadcast_to(x, shape):
    return expand(x, *shape)


def expand_as(x, other):
    return expand(x, *other.shape)


# ---------------------------------------------------------------- pieces
@_numpy_spellings
def split(tensor, split_size_or_sections, dim=0):
    """Pieces along dim: of split_size each (the last one smaller), or of the given sizes."""
    d = wrap_dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={list(sizes)}")
        return apply(ops.SPLIT_WITH_SIZES, tensor, sizes=sizes, dim=d)
    size = int(split_size_or_sections)
    if size <= 0 and not (size == 0 and n == 0):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    sizes = tuple(builtins.min(size, n - start) for start in range(0, n, size)) if n else (0,)
    return apply(ops.SPLIT, tensor, sizes=sizes, dim=d, split_size=size)


@_numpy_spellings
def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.shape[wrap_dim(dim, input._data.ndim)]
    return split(input, builtins.max(1, -(-n // chunks)), dim)


@_numpy_spellings
def unbind(input, dim=0):
    d = wrap_dim(dim, input._data.ndim)
    return apply(ops.UNBIND, input, dim=d)


# ---------------------------------------------------------------- indexing
def _is_advanced(item):
    return isinstance(item, (Tensor, list, np.ndarray)) and not isinstance(item, bool)


def _np_index(item):
    if isinstance(item, Tensor):
        return item._data
    if isinstance(item, list):
        return np.asarray([_np_index(i) for i in item])
    return item


def getitem(x, index):
    items = index if isinstance(index, tuple) else (index,)
    if builtins.any(_is_advanced(i) or isinstance(i, bool) for i in items):
        np_index = tuple(_np_index(i) for i in items)
        np_index = np_index[0] if len(np_index) == 1 else np_index
        try:
            x._data[np_index]
        except IndexError as e:
            raise IndexError(str(e)) from None
        return apply(ops.INDEX, x, index=np_index)
    out = x
    dim = 0
    n_real = builtins.sum(1 for i in items if i is not None and i is not Ellipsis)
    for item in items:
        if item is Ellipsis:
            dim += out._data.ndim - dim - (n_real - _consumed(items, item))
            continue
        if item is None:
            out = apply(ops.UNSQUEEZE, out, dim=dim)
            dim += 1
            continue
        if isinstance(item, (int, np.integer)) and x._data.ndim == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ "
                "to convert a 0-dim tensor to a number")
        if out._data.ndim <= dim:
            raise IndexError(f"too many indices for tensor of dimension {x._data.ndim}")
        size = out._data.shape[dim]
        if isinstance(item, (int, np.integer)):
            i = int(item)
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            np_index = (slice(None),) * dim + (i % size,)
            out = apply(ops.SELECT, out, index=np_index)
        elif isinstance(item, slice):
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            if item != slice(None):
                np_index = (slice(None),) * dim + (item,)
                out = apply(ops.SLICE, out, index=np_index)
            dim += 1
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                f"indices (got {type(item).__name__})")
    return out


def _consumed(items, marker):
    """How many real (dimension-consuming) indices come before the ellipsis."""
    count = 0
    for i in items:
        if i is marker:
            break
        if i is not None:
            count += 1
    return count


# ---------------------------------------------------------------- joining tensors
def _tensor_list(tensors, opname) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{opname}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return list(tensors)


def _joined_dtype(tensors):
    dtype = tensors[0]._data.dtype
    for t in tensors[1:]:
        dtype = dtypes.promote_types(dtype, t._data.dtype)
    return dtype


@_numpy_spellings
def cat(tensors, dim=0):
    """torch.cat: the tensors joined along an existing dim (CatBackward0, one slot per tensor)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    # PyTorch still skips 1-D empty tensors (its legacy rule), whatever the others' shape
    skipped = [t._data.ndim == 1 and t._data.size == 0 for t in tensors]
    if builtins.all(skipped):
        skipped = [False] * len(tensors)
    ref = tensors[skipped.index(False)]
    ndim = ref._data.ndim
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = wrap_dim(dim, ndim)
    for i, t in enumerate(tensors):
        if skipped[i]:
            continue
        if t._data.ndim != ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ndim} and {t._data.ndim}")
        for k in range(ndim):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref._data.shape[k]} "
                    f"but got size {t._data.shape[k]} for tensor number {i} in the list.")
    sizes = tuple(None if skip else t._data.shape[d] for t, skip in zip(tensors, skipped))
    return apply(joined_op("cat", len(tensors)), *tensors, dim=d, sizes=sizes, dtype=_joined_dtype(tensors))


concat = concatenate = cat


@_numpy_spellings
def stack(tensors, dim=0):
    """torch.stack: the tensors joined along a new dim (StackBackward0, one slot per tensor)."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                               f"and {list(t._data.shape)} at entry {i}")
    d = wrap_dim(dim, len(first) + 1)
    return apply(joined_op("stack", len(tensors)), *tensors, dim=d, dtype=_joined_dtype(tensors))


# ---------------------------------------------------------------- linear algebra
def mm(input, mat2):
    if input._data.dtype != mat2._data.dtype:
        _mm_dtypes_error(input._data, mat2._data)
    return apply(ops.MM, input, mat2)


def _mm_dtypes_error(a, b):
    raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {dtypes.c_type_name(a.dtype)} != "
                       f"{dtypes.c_type_name(b.dtype)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2): one AddmmBackward0 node."""
    attrs = {} if beta == 1 and alpha == 1 else {"beta": beta, "alpha": alpha}
    return apply(ops.ADDMM, input, mat1, mat2, **attrs)


def mv(input, vec):
    if input._data.dtype != vec._data.dtype and input._data.ndim == 2 and vec._data.ndim == 1:
        v, m = dtypes.short_name(vec._data.dtype), dtypes.short_name(input._data.dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {v}, {m}, and {v}")
    return apply(ops.MV, input, vec)


def dot(input, other):
    _same_dtype(input, other, "dot")
    return apply(ops.DOT, input, other)


def _same_dtype(a, b, name):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{name} : expected both vectors to have same dtype, but found {dtypes.short_name(a._data.dtype)} and "
            f"{dtypes.short_name(b._data.dtype)}")


def matmul(input, other):
    """PyTorch's matmul, node for node (its _matmul_impl): dot, mv, mm; a batch folded into the rows of one mm
    or mv where that needs no copy (or where the smaller operand wants a gradient); else both operands
    expanded to a common batch and multiplied by bmm."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.ndim == 1 and b.ndim == 1:
        return dot(input, other)
    if a.ndim == 2 and b.ndim == 1:
        return mv(input, other)
    if a.ndim == 1 and b.ndim == 2:
        if a.dtype != b.dtype:
            _mm_dtypes_error(a, b)
        if a.shape[0] != b.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{a.shape[0]} and {b.shape[0]}x{b.shape[1]})")
        prod = mm(unsqueeze(input, 0), other)
        return apply(ops.SQUEEZE_MATMUL, prod, dim=0)
    if a.ndim == 2 and b.ndim == 2:
        return mm(input, other)
    if _should_fold(input, other):
        transposed = b.ndim > a.ndim
        t1 = transpose(other, -2, -1) if transposed else input
        t2 = (t(input) if a.ndim == 2 else input) if transposed else other
        out_shape = t1._data.shape[:-1]
        folded = reshape(t1, int(np.prod(out_shape)), t1._data.shape[-1])
        if t2._data.ndim == 2:
            out = apply(ops.UNSAFE_VIEW, mm(folded, t2), size=(*out_shape, t2._data.shape[1]))
            return contiguous(transpose(out, -2, -1)) if transposed else out
        return apply(ops.UNSAFE_VIEW, mv(folded, t2), size=out_shape)
    n = a.shape[-2] if a.ndim > 1 else 1
    m1 = a.shape[-1]
    m2 = b.shape[-2] if b.ndim > 1 else b.shape[0]
    p = b.shape[-1] if b.ndim > 1 else 1
    batch_a, batch_b = a.shape[:-2], b.shape[:-2]
    if a.ndim == 3 and b.ndim == 3 and batch_a[0] != batch_b[0]:
        if batch_a[0] == 1 and input._requires_grad:
            return matmul(squeeze(input, 0), other)
        if batch_b[0] == 1 and other._requires_grad:
            return matmul(input, squeeze(other, 0))
    try:
        batch = np.broadcast_shapes(batch_a, batch_b)
    except ValueError:
        raise broadcast_error([np.empty(batch_a), np.empty(batch_b)]) from None
    count = int(np.prod(batch))
    left = reshape(expand(input, *batch, n, m1), count, n, m1)
    if b.ndim == 1:
        right = unsqueeze(reshape(expand(other, *batch, m2), count, m2), 2)
    else:
        right = reshape(expand(other, *batch, m2, p), count, m2, p)
    out_shape = batch + ((n,) if a.ndim > 1 else ()) + ((p,) if b.ndim > 1 else ())
    prod = bmm(left, right)
    if b.ndim == 1:
        prod = squeeze(prod, -1)
    return apply(ops.UNSAFE_VIEW, prod, size=out_shape)


def _should_fold(input, other) -> bool:
    """PyTorch's should_fold: multiply with mm/mv on the larger operand's batch folded into rows."""
    first_larger = input._data.ndim >= other._data.ndim
    big = input._data if first_larger else np.swapaxes(other._data, -1, -2)
    small = other if first_larger else input
    if not (big.ndim >= 3 and small._data.ndim <= 2):
        return False
    if small._requires_grad:
        return True
    if input._data.ndim == 2:
        return False
    if big.size == 0:
        return True
    return builtins.all(big.strides[i] == big.strides[i + 1] * big.shape[i + 1] for i in range(big.ndim - 2))


def bmm(input, mat2):
    """Batches of matrix products: BmmBackward0."""
    return apply(ops.BMM, input, mat2)


def outer(input, vec2):
    return mul(unsqueeze(input, 1), vec2)


# ---------------------------------------------------------------- comparisons (no gradients)
def _compare(np_fn):
    def fn(input, other):
        if type(other) is int:
            other = dtypes.scalar_int(other, input._data.dtype)
        try:
            return wrap(np.asarray(np_fn(input._data, other._data if isinstance(other, Tensor) else other)))
        except ValueError:
            raise broadcast_error([input._data, getattr(other, "_data", other)]) from None

    return fn


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne


def equal(input, other) -> bool:
    return input._data.shape == other._data.shape and bool(np.all(input._data == other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return wrap(np.isclose(input._data, _t(other)._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def logical_not(input):
    return wrap(np.logical_not(input._data))


def sign(input):
    if input._data.dtype.kind == "b":
        return wrap(input._data.copy())
    return apply(ops.SIGN, input)


def _rounding(name):
    def fn(input):
        if input._data.dtype.kind in "biu":  # (integers are already whole: a copy, outside any graph)
            return wrap(input._data.copy())
        return apply(ops.REGISTRY[name], input)

    fn.__name__ = name
    return fn


floor, ceil, trunc, _round_whole = _rounding("floor"), _rounding("ceil"), _rounding("trunc"), _rounding("round")


def round(input, *, decimals=None):
    """Half to even. Given `decimals` (even 0), PyTorch's other overload: RoundBackward1, floats only."""
    if decimals is None:
        return _round_whole(input)
    if input._data.dtype.kind != "f":
        kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtypes.short_name(input._data.dtype)}\'')
    return apply(ops.ROUND_DECIMALS, input, decimals=int(decimals))


def frac(input):
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"frac_cpu" not implemented for \'{dtypes.short_name(input._data.dtype)}\'')
    return apply(ops.FRAC, input)


def isnan(input):
    return wrap(np.isnan(input._data))


def numel(input) -> int:
    return input.numel()


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def copy_of(src):
    """A new tensor with src's values through PyTorch's `new_empty(...).copy_(src)`: a CopyBackwards node when
    src has a graph (how the first gradient reaches `.grad` under create_graph=True)."""
    return apply(ops.COPY, wrap(np.empty_like(src._data)), src)


# ---------------------------------------------------------------- arguments as PyTorch's parser checks them
_MISSING = object()


def _require(name: str, **arguments) -> None:
    """PyTorch's TypeError for required arguments left out (its wording, singular and plural as it has them)."""
    missing = [key for key, value in arguments.items() if value is _MISSING]
    if missing:
        names = ", ".join(f'"{key}"' for key in missing)
        plural = "s" if len(missing) == 1 else ""
        raise TypeError(f"{name}() missing {len(missing)} required positional argument{plural}: {names}")


def _int_list(value, name: str, argument: str, position: int) -> tuple:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, (list, tuple, Tensor)):
        return tuple(int(v) for v in value)
    raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, not "
                    f"{type(value).__name__}")


def _index_tensor(index, name: str) -> np.ndarray:
    if not isinstance(index, Tensor) or index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return index._data.astype(np.int64, copy=False)


def _check_bounds(index: np.ndarray, size: int, dim: int) -> None:
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise RuntimeError(f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}")


# ---------------------------------------------------------------- rearranging: flip, roll, repeat, triangles
def flip(input, dims=_MISSING):
    _require("flip", dims=dims)
    if isinstance(dims, (int, np.integer)):
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not {type(dims).__name__}")
    dims = _int_list(dims, "flip", "dims", 2)
    ndim = input._data.ndim
    wrapped = tuple(wrap_dim(d, ndim) for d in dims)
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return apply(ops.FLIP, input, dims=wrapped if ndim else ())


def dims_as_varargs(fn):
    """The Tensor method of fn(input, dims): x.flip(0), x.flip(0, 1), x.flip([0, 1]), x.flip(dims=...)."""

    def method(self, *dims, **kwargs):
        if dims and "dims" not in kwargs:
            kwargs["dims"] = dims[0] if len(dims) == 1 and not isinstance(dims[0], (int, np.integer)) else dims
        return fn(self, **kwargs)

    method.__name__ = method.__qualname__ = fn.__name__
    return method


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def roll(input, shifts=_MISSING, dims=None):
    _require("roll", shifts=shifts)
    shifts = _int_list(shifts, "roll", "shifts", 2)
    dims = () if dims is None else _int_list(dims, "roll", "dims", 3)
    if len(shifts) != len(dims) and not (not dims and len(shifts) == 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    dims = tuple(wrap_dim(d, input._data.ndim) for d in dims)
    return apply(ops.ROLL, input, shifts=shifts, dims=dims)


def repeat(input, *repeats):
    repeats = _shape_args(repeats)
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = tuple(int(r) for r in repeats)
    if len(repeats) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    shape = (1,) * (len(repeats) - input._data.ndim) + input._data.shape
    sizes = [n * r for n, r in zip(shape, repeats)]
    for n in sizes:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {sizes}")
    return apply(ops.REPEAT, input, repeats=repeats)


def tile(input, dims):
    dims = _int_list(dims, "tile", "dims", 2)
    return repeat(input, *((1,) * (input._data.ndim - len(dims)) + dims))


def _triangle(op, name):
    def function(input, diagonal=0):
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return apply(op, input, diagonal=int(diagonal))

    function.__name__ = name
    return function


tril = _triangle(ops.TRIL, "tril")
triu = _triangle(ops.TRIU, "triu")


# ---------------------------------------------------------------- diagonals
def _diagonal_dims(ndim, dim1, dim2):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    d1, d2 = _diagonal_dims(input._data.ndim, dim1, dim2)
    return apply(ops.DIAGONAL, input, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    d1, d2 = _diagonal_dims(input._data.ndim + 1, dim1, dim2)
    return apply(ops.DIAG_EMBED, input, offset=int(offset), dim1=d1, dim2=d2)


def diag(input, diagonal=0):
    """A vector's diagonal matrix (DiagEmbedBackward0), or a matrix's diagonal (DiagonalBackward0_copy)."""
    ndim = input._data.ndim
    if ndim == 1:
        return apply(ops.DIAG_EMBED, input, offset=int(diagonal), dim1=0, dim2=1)
    if ndim == 2:
        return apply(ops.DIAGONAL_COPY, input, offset=int(diagonal), dim1=0, dim2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


# ---------------------------------------------------------------- gather, scatter, index_select, index_add
def _check_gather_shapes(input, index, dim, name, src=None):
    x, idx = input._data, index
    if idx.ndim != builtins.max(x.ndim, 1) and not (idx.ndim == 0 and x.ndim == 0):
        what = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    shape = x.shape or (1,)
    for d in range(idx.ndim):
        if (d != dim and idx.shape[d] > shape[d]) or (src is not None and idx.shape[d] > src.shape[d]):
            if name == "gather":
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx.shape)} to be no "
                                   f"larger than self {list(x.shape)} apart from dimension {dim}")
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(x.shape)} apart "
                               f"from dimension {dim} and to be no larger size than src {list(src.shape)}")
    _check_bounds(idx, shape[dim], dim)


def gather(input, dim=_MISSING, index=_MISSING, *, sparse_grad=False):
    _require("gather", dim=dim, index=index)
    idx = _index_tensor(index, "gather")
    d = wrap_dim(dim, input._data.ndim)
    _check_gather_shapes(input, idx, d, "gather")
    return apply(ops.GATHER, input, dim=d, index=idx)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """x.scatter(dim, index, src) (ScatterBackward0) or x.scatter(dim, index, value) (ScatterBackward1)."""
    if reduce is not None:
        raise RuntimeError("scatter with reduce= is not supported by this engine")
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    idx = _index_tensor(index, "scatter")
    d = wrap_dim(dim, input._data.ndim)
    if src is None:
        if value is None:
            raise TypeError("scatter() received an invalid combination of arguments")
        _check_gather_shapes(input, idx, d, "scatter", np.empty(idx.shape))
        return apply(ops.SCATTER_VALUE, input, dim=d, index=idx, value=value)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shapes(input, idx, d, "scatter", src._data)
    return apply(ops.SCATTER, input, src, dim=d, index=idx)


def scatter_add(input, dim, index, src):
    idx = _index_tensor(index, "scatter")
    d = wrap_dim(dim, input._data.ndim)
    if src._data.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shapes(input, idx, d, "scatter", src._data)
    return apply(ops.SCATTER_ADD, input, src, dim=d, index=idx)


def _select_index(index, name):
    if not isinstance(index, Tensor) or index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    return np.atleast_1d(index._data).astype(np.int64, copy=False)


def index_select(input, dim=_MISSING, index=_MISSING):
    _require("index_select", dim=dim, index=index)
    idx = _select_index(index, "index_select")
    d = wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    bad = idx[(idx < 0) | (idx >= size)]
    if bad.size:
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad[0])} axis_dim={size}")
    return apply(ops.INDEX_SELECT, input, dim=d, index=idx)


def index_add(input, dim, index, source, *, alpha=1):
    idx = _select_index(index, "index_add")
    d = wrap_dim(dim, input._data.ndim)
    n = source._data.shape[d] if source._data.ndim else 1
    if idx.size != n:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): ({n}), "
                           f"for dim: {d}")
    _check_bounds(idx, input._data.shape[d] if input._data.ndim else 1, d)
    if alpha != 1:
        source = source * alpha
    return apply(ops.INDEX_ADD, input, source, dim=d, index=idx)


# ---------------------------------------------------------------- masks
def _bool_mask(mask, name):
    if not isinstance(mask, Tensor) or mask._data.dtype != np.bool_:
        dtype = "" if not isinstance(mask, Tensor) else dtypes.c_type_name(mask._data.dtype)
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"{name}_ only supports boolean masks, but got mask with dtype {dtype}")
    return mask._data


def _broadcast_mask(input, mask):
    try:
        shape = np.broadcast_shapes(input._data.shape, mask.shape)
    except ValueError:
        raise broadcast_error([mask, input._data]) from None
    return shape


def masked_fill(input, mask=_MISSING, value=_MISSING):
    if mask is _MISSING or value is _MISSING:
        raise TypeError("masked_fill() received an invalid combination of arguments - got (Tensor), but expected one "
                        "of:\n * (Tensor mask, Tensor value)\n * (Tensor mask, Number value)\n")
    m = _bool_mask(mask, "masked_fill")
    _broadcast_mask(input, m)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return apply(ops.MASKED_FILL_TENSOR, input, value, mask=m)
    if type(value) is int:
        dtypes.fill_int(value, input._data.dtype)
    return apply(ops.MASKED_FILL, input, mask=m, value=value)


def masked_select(input, mask):
    m = _bool_mask(mask, "masked_select")
    _broadcast_mask(input, m)
    return apply(ops.MASKED_SELECT, input, mask=m)


def masked_scatter(input, mask, source):
    m = _bool_mask(mask, "masked_scatter")
    _broadcast_mask(input, m)
    if source._data.size < int(np.broadcast_to(m, _broadcast_mask(input, m)).sum()):
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(ops.MASKED_SCATTER, input, source, mask=m)


# ---------------------------------------------------------------- running totals, logsumexp, topk
def _cumulative(op, name):
    @_numpy_spellings
    def function(input, dim=_MISSING, *, dtype=None):
        _require(name, dim=dim)
        x = input if dtype is None else to_dtype(input, dtype)
        if x._data.dtype.kind in "biu":  # integers add up in int64, as in PyTorch
            x = to_dtype(x, dtypes.int64)
        return apply(op, x, dim=wrap_dim(dim, x._data.ndim) if x._data.ndim else 0)

    function.__name__ = function.__qualname__ = name
    return function


cumsum = _cumulative(ops.CUMSUM, "cumsum")
cumprod = _cumulative(ops.CUMPROD, "cumprod")


@_numpy_spellings
def logsumexp(input, dim=_MISSING, keepdim=False):
    _require("logsumexp", dim=dim)
    x = input if input._data.dtype.kind == "f" else to_dtype(input, dtypes.get_default_dtype())
    dims = _dims(dim, x._data.ndim)
    if isinstance(dim, (list, tuple)) and not dim:
        dims = tuple(range(x._data.ndim))
    return apply(ops.LOGSUMEXP, x, dim=dims, keepdim=keepdim)


@_numpy_spellings
def topk(input, k=_MISSING, dim=-1, largest=True, sorted=True):
    _require("topk", k=k)
    ndim = input._data.ndim
    d = wrap_dim(dim, ndim)
    size = input._data.shape[d] if ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    values, extras = apply(ops.TOPK, input, k=int(k), dim=d, largest=largest, sorted=sorted)
    return return_types.topk(values, wrap(extras["indices"]))


# ---------------------------------------------------------------- all, any, nonzero (no gradients)
def _logical_reduction(np_fn, name):
    @_numpy_spellings
    def function(input, dim=None, keepdim=False):
        data = input._data
        axis = None if dim is None else _dims(dim, data.ndim)
        out = np.asarray(np_fn(data, axis=axis, keepdims=keepdim and dim is not None))
        return wrap(out.astype(np.uint8) if data.dtype == np.uint8 else out)

    function.__name__ = function.__qualname__ = name
    return function


all = _logical_reduction(np.all, "all")
any = _logical_reduction(np.any, "any")


def nonzero(input, *, as_tuple=False):
    data = np.atleast_1d(input._data) if as_tuple else input._data
    if as_tuple:
        return tuple(wrap(i.astype(np.int64)) for i in np.nonzero(data))
    if data.ndim == 0:
        return wrap(np.zeros((int(bool(data)), 0), np.int64))
    return wrap(np.argwhere(data).astype(np.int64))


def argwhere(input):
    return nonzero(input)


# ---------------------------------------------------------------- atan2, erf, clamp_min, clamp_max
def atan2(input, other=_MISSING):
    _require("atan2", other=other)
    if not isinstance(other, Tensor):
        raise TypeError(f"atan2(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    x, y = input, other
    if dtypes.result_np_dtype([x._data, y._data]).kind != "f":
        x, y = to_dtype(x, dtypes.get_default_dtype()), to_dtype(y, dtypes.get_default_dtype())
    return apply(ops.ATAN2, x, y)


arctan2 = atan2
erf = _float_unary(ops.ERF)


def _one_sided_clamp(op, name, bound):
    def function(input, *args, **kwargs):
        if len(args) + len(kwargs) != 1 or (kwargs and bound not in kwargs):
            got = ", ".join(["Tensor"] * 0 + [type(a).__name__ for a in args])
            raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one "
                            f"of:\n * (Tensor {bound})\n * (Number {bound})\n")
        value = args[0] if args else kwargs[bound]
        if isinstance(value, Tensor):
            pick = maximum if name == "clamp_min" else minimum
            return pick(input, value)
        if type(value) is int:
            dtypes.scalar_int(value)
        x = input
        if isinstance(value, float) and x._data.dtype.kind in "biu":
            x = to_dtype(x, dtypes.get_default_dtype())
        return apply(op, x, **{bound: value})

    function.__name__ = function.__qualname__ = name
    return function


clamp_min = _one_sided_clamp(ops.CLAMP_MIN, "clamp_min", "min")
clamp_max = _one_sided_clamp(ops.CLAMP_MAX, "clamp_max", "max")


# ---------------------------------------------------------------- lerp, addcmul, addcdiv
def lerp(input, end, weight):
    """input + weight * (end - input): LerpBackward0 for a number weight, LerpBackward1 for a tensor."""
    for t, name in ((end, "end"), (weight, "weight")):
        if isinstance(t, Tensor) and t._data.dtype != input._data.dtype:
            raise RuntimeError(f"expected dtype {dtypes.c_type_name(input._data.dtype)} for `{name}` but got dtype "
                               f"{dtypes.c_type_name(t._data.dtype)}")
    if isinstance(weight, Tensor):
        return apply(ops.LERP_TENSOR, input, end, weight)
    return apply(ops.LERP, input, end, weight=weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    return apply(ops.ADDCMUL, input, tensor1, tensor2, **({} if value == 1 else {"value": value}))


def addcdiv(input, tensor1, tensor2, *, value=1):
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value "
            "* torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value "
            "* tensor1 / tensor2), for all dtypes.")
    return apply(ops.ADDCDIV, input, tensor1, tensor2, **({} if value == 1 else {"value": value}))


# ---------------------------------------------------------------- movedim and einsum (permutes, diagonals, bmm)
def movedim(input, source, destination):
    """The dims at `source` moved to `destination`, the others kept in order: one permute (PermuteBackward0)."""
    ndim = input._data.ndim
    sources = [wrap_dim(d, ndim) for d in ((source,) if isinstance(source, int) else source)]
    targets = [wrap_dim(d, ndim) for d in ((destination,) if isinstance(destination, int) else destination)]
    if len(sources) != len(targets):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({sources} dims) should contain the "
                           f"same number of dims as destination ({targets} dims)")
    order = [-1] * ndim
    for s, d in zip(sources, targets):
        order[d] = s
    rest = iter(d for d in range(ndim) if d not in sources)
    order = [next(rest) if d == -1 else d for d in order]
    return permute(input, *order)


moveaxis = movedim

_LETTERS = 26
_ELLIPSIS = 2 * _LETTERS


def _subscript(label: str) -> int:
    return ord(label) - ord("A") if label.isupper() else ord(label) - ord("a") + _LETTERS


def _label(subscript: int) -> str:
    return chr(subscript + ord("A")) if subscript < _LETTERS else chr(subscript - _LETTERS + ord("a"))


def _is_label(c: str) -> bool:
    return c.isascii() and c.isalpha()


def einsum(equation, *operands):
    """PyTorch's einsum, step for step (ATen's einsum): operands' repeated labels become diagonals, every operand
    is unsqueezed and permuted to one order of labels, then pairs are contracted left to right by permutes,
    reshapes and bmm (sumproduct_pair), so the graph holds PyTorch's nodes. (For three or more operands PyTorch
    may first choose another order with opt_einsum, where installed.)"""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    num_ops = len(operands)
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels: list[list[int]] = [[] for _ in range(num_ops)]
    ell_in_input, current, i = False, 0, 0
    while i < len(lhs):
        c = lhs[i]
        if c == ".":
            if ell_in_input:
                raise RuntimeError(f"einsum(): found '.' for operand {current} for which an ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {current} that is not part of any ellipsis")
            i += 2
            op_labels[current].append(_ELLIPSIS)
            ell_in_input = True
        elif c == ",":
            current += 1
            if current >= num_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
            ell_in_input = False
        elif c != " ":
            if not _is_label(c):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                                   "must be in [a-zA-Z]")
            op_labels[current].append(_subscript(c))
        i += 1
    if current != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")

    label_count = [0] * _ELLIPSIS
    ell_num_dim = 0
    for i, operand in enumerate(operands):
        labels, ndims = op_labels[i], operand._data.ndim
        nlabels, has_ellipsis = len(labels), False
        for label in labels:
            if label == _ELLIPSIS:
                nlabels -= 1
                has_ellipsis = True
                ell_num_dim = builtins.max(ell_num_dim, ndims - nlabels)
            else:
                label_count[label] += 1
        if not (nlabels <= ndims if has_ellipsis else nlabels == ndims):
            relation = "is more than" if has_ellipsis else "does not match"
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nlabels}) {relation} the number "
                               f"of dimensions ({ndims}) for operand {i}"
                               + ("" if has_ellipsis else " and no ellipsis was given"))

    # each label's place in the aligned order: the output's labels first, then those summed over
    label_perm_index = [-1] * _ELLIPSIS
    perm_index = ell_index = 0
    ell_in_output = False
    if arrow < 0:  # the implicit output: the ellipsis, then the labels seen once, in alphabetical order
        perm_index, ell_in_output = ell_num_dim, True
        for label in range(_ELLIPSIS):
            if label_count[label] == 1:
                label_perm_index[label] = perm_index
                perm_index += 1
    else:
        rhs = equation[arrow + 2:]
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
                i += 2
                ell_index, ell_in_output = perm_index, True
                perm_index += ell_num_dim
            elif c != " ":
                if not _is_label(c):
                    raise RuntimeError(f"einsum(): invalid subscript given at index {len(lhs) + 2 + i} in the equation "
                                       "string, subscripts must be in [a-zA-Z]")
                index = _subscript(c)
                if not (label_count[index] > 0 and label_perm_index[index] == -1):
                    why = (" appears more than once in the output" if label_perm_index[index] > -1
                           else " does not appear in the equation for any input operand")
                    raise RuntimeError(f"einsum(): output subscript {c}{why}")
                label_perm_index[index] = perm_index
                perm_index += 1
            i += 1
    out_num_dim = perm_index
    if not ell_in_output:
        ell_index = perm_index
        perm_index += ell_num_dim
    for label in range(_ELLIPSIS):
        if label_count[label] > 0 and label_perm_index[label] == -1:
            label_perm_index[label] = perm_index
            perm_index += 1

    # diagonals for repeated labels, dims of size 1 for missing ones, every operand permuted to the one order
    label_size = [1] * _ELLIPSIS
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * perm_index
    aligned = []
    for i, operand in enumerate(operands):
        op = operand
        permutation = [-1] * perm_index
        dim = 0
        for s in op_labels[i]:
            if s == _ELLIPSIS:
                ndim = operand._data.ndim - (len(op_labels[i]) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    size = op._data.shape[dim]
                    if size != 1:
                        if ell_sizes[j] not in (1, size):
                            raise RuntimeError(f"einsum(): dimension {dim} covered by ellipsis in operand {i}has size "
                                               f"{size} which does not broadcast with previously seen ellipsis with "
                                               f"size {ell_sizes[j]} for the respective dimension")
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[label_perm_index[s]] == -1:
                size = op._data.shape[dim]
                if size != 1:
                    if label_size[s] not in (1, size):
                        raise RuntimeError(f"einsum(): subscript {_label(s)} has size {size} for operand {i} which "
                                           f"does not broadcast with previously seen size {label_size[s]}")
                    label_size[s] = size
                    dim_counts[label_perm_index[s]] += 1
                permutation[label_perm_index[s]] = dim
                dim += 1
            else:  # a repeated label: its diagonal
                previous = permutation[label_perm_index[s]]
                a, b = op._data.shape[dim], op._data.shape[previous]
                if a != b:
                    raise RuntimeError(f"einsum(): subscript {_label(s)} is repeated for operand {i} but the sizes "
                                       f"don't match, {a} != {b}")
                op = movedim(diagonal(op, 0, previous, dim), -1, previous)
        for k, value in enumerate(permutation):
            if value == -1:
                op = unsqueeze(op, dim)
                permutation[k] = dim
                dim += 1
        aligned.append(permute(op, *permutation))

    # contract pairs from the left; a dim is summed as soon as no operand left needs it
    while len(aligned) > 1:
        a, b = aligned[0], aligned[1]
        del aligned[:2]
        sum_dims, a_dims, b_dims = [], [], []
        for dim in range(out_num_dim, perm_index):
            sa, sb = a._data.shape[dim] != 1, b._data.shape[dim] != 1
            if sa and sb:
                if a._data.shape[dim] != b._data.shape[dim]:
                    raise RuntimeError("non-broadcast dimensions must match")
                dim_counts[dim] -= 1
                if dim_counts[dim] == 1:
                    sum_dims.append(dim)
                    dim_counts[dim] = 0
            elif dim_counts[dim] == 1:
                if sa:
                    a_dims.append(dim)
                    dim_counts[dim] = 0
                elif sb:
                    b_dims.append(dim)
                    dim_counts[dim] = 0
        if a_dims:
            a = sum(a, a_dims, keepdim=True)
        if b_dims:
            b = sum(b, b_dims, keepdim=True)
        aligned.insert(0, _sumproduct_pair(a, b, sum_dims))
    result = aligned[0]
    if perm_index - out_num_dim > 0:
        if num_ops > 1:
            return view(result, *result._data.shape[:out_num_dim])
        return sum(result, list(range(out_num_dim, perm_index)))
    return result


def _sumproduct_pair(left, right, sum_dims):
    """(left * right).sum(sum_dims, keepdim=True) as ATen computes it: permutes, reshapes to three dims, bmm."""
    if not sum_dims:
        return mul(left, right)
    ndim = left._data.ndim
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        sl, sr = left._data.shape[i] != 1, right._data.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                if left._data.shape[i] != right._data.shape[i]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left._data.shape[i]
            elif sl:
                left = sum(left, i, keepdim=True)
            elif sr:
                right = sum(right, i, keepdim=True)
        elif sl and sr:
            if left._data.shape[i] != right._data.shape[i]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= left._data.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left._data.shape[i]
        else:
            ro.append(i)
            ro_size *= right._data.shape[i]
    if lo and ro and ro[-1] < lo[0]:  # (bmm then gives the output's order directly)
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    out_size = ([left._data.shape[d] for d in lro] + [left._data.shape[d] for d in lo] + [1] * len(sum_dims)
                + [right._data.shape[d] for d in ro])
    out_permutation = [-1] * len(out_size)
    for i, d in enumerate(lro + lo + sum_dims + ro):
        out_permutation[d] = i
    left = reshape(permute(left, *(lro + lo + sum_dims + ro)), lro_size, lo_size, sum_size)
    right = reshape(permute(right, *(lro + sum_dims + ro + lo)), lro_size, sum_size, ro_size)
    return permute(view(bmm(left, right), *out_size), *out_permutation)


def xlogy(input, other):
    """input * log(other), 0 where input is 0 (XlogyBackward0); a number on either side becomes a tensor."""
    x, y = _t(input), _t(other)
    if dtypes.result_np_dtype([x._data, y._data]).kind != "f":
        x, y = to_dtype(x, dtypes.get_default_dtype()), to_dtype(y, dtypes.get_default_dtype())
    return apply(ops.XLOGY, x, y)
