"""Tensor's operators and methods: `x * y` is `engine.functions.mul(x, y)`, `x.sum()` is
`engine.functions.sum(x)`, `x.backward()` is `engine.autograd.backward(x)`. In-place ops (`x += y`,
`x[0] = v`) run the op out of place and write the result back, with the node as the tensor's new history."""

from __future__ import annotations

import builtins
import weakref

import numpy as np

from . import autograd, dtypes, legacy, ops
from . import functions as F
from .apply import apply
from .grad_mode import is_grad_enabled
from .node import SavedTensor
from .tensor import Tensor, check_device, device, wrap

LEAF_IN_PLACE = "a leaf Variable that requires grad is being used in an in-place operation."


# ---------------------------------------------------------------- operators
def _binary(fn):
    """`self <op> other` for a tensor, a Python number or a numpy value; NotImplemented for anything else (so
    Python tries the other operand's method, or raises its TypeError)."""

    def method(self, other):
        if not isinstance(other, (Tensor, int, float, bool, np.number, np.ndarray)):
            return NotImplemented
        if isinstance(other, np.ndarray):
            other = wrap(other)
        return fn(self, other)

    return method


def _number_first(fn):
    """`number <op> self` (Python calls the tensor's reflected method)."""

    def method(self, other):
        if not isinstance(other, (int, float, bool, np.number)):
            return NotImplemented
        return fn(self, other)

    return method


Tensor.__add__ = Tensor.__radd__ = _binary(F.add)
Tensor.__sub__ = _binary(F.sub)
Tensor.__rsub__ = _number_first(lambda self, number: F.rsub(self, number))
Tensor.__mul__ = Tensor.__rmul__ = _binary(F.mul)
Tensor.__truediv__ = _binary(F.div)
Tensor.__rtruediv__ = _number_first(lambda self, number: F.mul(F.reciprocal(self), number))
Tensor.__pow__ = _binary(F.pow)
Tensor.__rpow__ = _number_first(lambda self, number: F.pow(number, self))
Tensor.__matmul__ = lambda self, other: F.matmul(self, other) if isinstance(other, Tensor) else NotImplemented
Tensor.__mod__ = _binary(F.remainder)
Tensor.__floordiv__ = lambda self, other: F.div(self, other, rounding_mode="floor")
Tensor.__neg__ = F.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = F.abs
Tensor.__eq__ = F.eq
Tensor.__ne__ = F.ne
Tensor.__lt__ = F.lt
Tensor.__le__ = F.le
Tensor.__gt__ = F.gt
Tensor.__ge__ = F.ge
Tensor.__invert__ = lambda self: wrap(np.invert(self._data))
Tensor.__and__ = lambda self, other: wrap(np.logical_and(self._data, F._t(other)._data))
Tensor.__or__ = lambda self, other: wrap(np.logical_or(self._data, F._t(other)._data))
Tensor.__getitem__ = F.getitem

# ---------------------------------------------------------------- methods that are engine functions
for _name in ("add", "sub", "mul", "div", "pow", "matmul", "mm", "mv", "dot", "exp", "log", "sqrt", "sin",
              "cos", "tanh", "sigmoid", "relu", "abs", "neg", "reciprocal", "square", "clamp", "clip", "sum",
              "mean", "max", "min", "norm", "reshape", "view", "flatten", "squeeze", "unsqueeze", "t",
              "transpose", "permute", "expand", "expand_as", "clone", "argmax", "argmin", "eq", "ne", "lt",
              "le", "gt", "ge", "maximum", "minimum", "outer", "equal", "allclose", "isclose", "sign", "isnan",
              "logical_not", "true_divide", "multiply", "subtract", "divide", "negative", "absolute", "amax",
              "amin", "swapaxes", "remainder", "floor", "ceil", "trunc", "round", "frac", "log1p", "expm1",
              "log2", "log10", "exp2", "sinh", "cosh", "tan", "asin", "acos", "atan", "rsqrt", "arcsin",
              "arccos", "arctan", "greater", "less", "std", "var", "split", "chunk", "unbind", "prod", "sort",
              "argsort", "trace", "fliplr", "flipud", "roll", "repeat", "tril", "triu", "diag",
              "diagonal", "diag_embed", "gather", "scatter", "scatter_add", "index_select", "index_add", "masked_fill",
              "masked_select", "masked_scatter", "cumsum", "cumprod", "logsumexp", "topk", "all", "any", "nonzero",
              "argwhere", "atan2", "arctan2", "erf", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv", "bmm",
              "contiguous", "movedim", "moveaxis", "xlogy"):
    setattr(Tensor, _name, getattr(F, _name))
del _name


def _to(self, *args, **kwargs):
    """x.to(dtype), x.to(device), x.to(other), x.to(device, dtype): the device must be the CPU."""
    dtype = kwargs.get("dtype")
    check_device(kwargs.get("device"))
    for a in args:
        if isinstance(a, dtypes.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str, device, int)):
            check_device(a)
    return self if dtype is None else F.to_dtype(self, dtype)


def _type(self, dtype=None):
    """x.type(): its legacy type name ('torch.FloatTensor'); x.type(t): converted to a dtype, a legacy class
    (torch.DoubleTensor) or its name."""
    if dtype is None:
        return f"torch.{self.dtype.legacy_name}"
    if isinstance(dtype, str) and dtype.startswith("torch.") and dtype[6:] in legacy.TYPED:
        dtype = legacy.TYPED[dtype[6:]].dtype
    elif isinstance(dtype, type) and dtype.__name__ in legacy.TYPED and hasattr(dtype, "dtype"):
        dtype = dtype.dtype
    return F.to_dtype(self, dtype)


Tensor.flip = F.dims_as_varargs(F.flip)
Tensor.tile = F.dims_as_varargs(F.tile)
Tensor.T = property(lambda self: F.permute(self, tuple(range(self.ndim - 1, -1, -1))),
                    doc="The dims reversed (PermuteBackward0, for 0-d and 1-d tensors too).")
Tensor.mT = property(lambda self: F.transpose(self, -2, -1), doc="The last two dims swapped.")
Tensor.view_as = Tensor.reshape_as = lambda self, other: F.view(self, *other.shape)
Tensor.type_as = lambda self, other: F.to_dtype(self, other.dtype)
Tensor.to = _to
Tensor.type = _type
Tensor.float = lambda self: F.to_dtype(self, dtypes.float32)
Tensor.double = lambda self: F.to_dtype(self, dtypes.float64)
Tensor.long = lambda self: F.to_dtype(self, dtypes.int64)
Tensor.int = lambda self: F.to_dtype(self, dtypes.int32)
Tensor.bool = lambda self: F.to_dtype(self, dtypes.bool_)
Tensor.half = lambda self: F.to_dtype(self, dtypes.float16)
Tensor.cpu = lambda self: self
Tensor.cuda = lambda self, device=None, non_blocking=False: check_device("cuda")
Tensor.is_contiguous = lambda self: bool(self._data.flags.c_contiguous)
Tensor.softmax = lambda self, dim: apply(ops.SOFTMAX, self, dim=dim)
Tensor.log_softmax = lambda self, dim: apply(ops.LOG_SOFTMAX, self, dim=dim)
Tensor.data_ptr = lambda self: int(self._data.__array_interface__["data"][0])


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


Tensor.backward = backward


# ---------------------------------------------------------------- in-place ops
def _in_place(fn, name):
    """x.<name>(...): the op runs out of place, on a snapshot of x's old value where a graph is recorded, and the
    result is written back into x's storage; its node becomes x's history."""

    def method(self, *args, **kwargs):
        if is_grad_enabled() and self._requires_grad and self._grad_fn is None:
            raise RuntimeError(LEAF_IN_PLACE)
        recording = is_grad_enabled() and (self._requires_grad or builtins.any(
            isinstance(a, Tensor) and a._requires_grad for a in (*args, *kwargs.values())))
        if recording:
            old = wrap(self._data.copy())
            old._requires_grad, old._grad_fn = self._requires_grad, self._grad_fn
            result = fn(old, *args, **kwargs)
        else:
            result = fn(wrap(self._data), *args, **kwargs)
        scalar_clamp = name in _C_NAMED_CASTS and not builtins.any(
            isinstance(a, Tensor) for a in (*args, *kwargs.values()))
        _write_into(self, result, dtypes.c_type_name if scalar_clamp else dtypes.short_name)
        self._bump_version()
        if recording:
            node = self._grad_fn = result._grad_fn
            self._requires_grad = True
            node._out_ref = weakref.ref(self)
            for saved in node._saved.values():
                if type(saved) is SavedTensor and saved.is_output:
                    # the op's output is now this tensor: changing it in place again makes backward fail, as in
                    # PyTorch (its saved self was the value before, a copy)
                    saved.data, saved.counter, saved.version = self._data, self._version_counter, self._version
        return self

    method.__name__ = name
    return method


# PyTorch's clamps with number bounds name the output's type as C++ does ("long int") where others say "Long"
_C_NAMED_CASTS = frozenset({"clamp_", "clip_", "clamp_min_", "clamp_max_"})


def _write_into(self, result, type_name=dtypes.short_name) -> None:
    """result's values into self's storage, with PyTorch's errors for a dtype or shape it cannot take."""
    values, target = result._data, self._data
    if values.dtype != target.dtype and not np.can_cast(values.dtype, target.dtype, casting="same_kind"):
        raise RuntimeError(
            f"result type {dtypes.short_name(values.dtype)} can't be cast to the desired output type "
            f"{type_name(target.dtype)}")
    try:
        np.copyto(target, np.broadcast_to(values, target.shape), casting="unsafe")
    except ValueError:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape {list(values.shape)}") from None


Tensor.add_ = _in_place(F.add, "add_")
Tensor.sub_ = _in_place(F.sub, "sub_")
Tensor.mul_ = _in_place(F.mul, "mul_")
Tensor.div_ = _in_place(F.div, "div_")
Tensor.pow_ = _in_place(F.pow, "pow_")
Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_
Tensor.__ipow__ = Tensor.pow_
# the in-place forms lessons use: x.exp_(), x.clamp_(0, 1), x.masked_fill_(mask, 0), ...
for _name in ("clamp", "clip", "relu", "exp", "neg", "sigmoid", "tanh", "sqrt", "abs", "log", "sin", "cos", "tan",
              "reciprocal", "square", "rsqrt", "log1p", "expm1", "log2", "log10", "exp2", "sinh", "cosh", "asin",
              "acos", "atan", "erf", "atan2", "sign", "floor", "ceil", "trunc", "round", "frac", "remainder",
              "clamp_min", "clamp_max", "masked_fill", "masked_scatter", "lerp", "addcmul", "addcdiv", "cumsum",
              "cumprod", "tril", "triu", "scatter", "scatter_add", "index_add", "negative",
              "absolute", "true_divide", "multiply", "subtract", "divide", "arcsin", "arccos", "arctan", "arctan2",
              "xlogy"):
    setattr(Tensor, f"{_name}_", _in_place(getattr(F, _name), f"{_name}_"))
del _name


def _check_in_place(self):
    if is_grad_enabled() and self._requires_grad and self._grad_fn is None:
        raise RuntimeError(LEAF_IN_PLACE)


def _fill(self, values):
    _check_in_place(self)
    with np.errstate(all="ignore"):  # (nan or inf into an integer tensor: PyTorch converts it silently)
        self._data[...] = values
    self._bump_version()
    if is_grad_enabled() and self._grad_fn is not None:
        self._grad_fn = None  # PyTorch records FillBackward; filled values carry no gradient back
    return self


def zero_(self):
    return _fill(self, 0)


def fill_(self, value):
    if type(value) is int:
        dtypes.fill_int(value, self._data.dtype)
    return _fill(self, value._data if isinstance(value, Tensor) else value)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    from .random import default_generator

    _check_in_place(self)
    (generator or default_generator).normal_(self._data, mean, std)
    self._bump_version()
    return self


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    from .random import default_generator

    _check_in_place(self)
    (generator or default_generator).uniform_(self._data, a, b)
    self._bump_version()
    return self


def copy_(self, src):
    _check_in_place(self)
    with np.errstate(all="ignore"):
        self._data[...] = src._data if isinstance(src, Tensor) else src
    self._bump_version()
    return self


Tensor.zero_ = zero_
Tensor.fill_ = fill_
Tensor.normal_ = normal_
Tensor.uniform_ = uniform_
Tensor.copy_ = copy_


def _setitem(self, index, value):
    if is_grad_enabled() and self._requires_grad and self._grad_fn is None:
        # an index that makes a view (an int, a partial slice, None) writes through "a view of" the leaf;
        # advanced indexing, `...` and `:` write into the leaf itself
        items = index if isinstance(index, tuple) else (index,)
        advanced = any(F._is_advanced(i) or isinstance(i, bool) for i in items)
        makes_view = any(i is None or isinstance(i, (int, np.integer))
                         or (isinstance(i, slice) and i != slice(None)) for i in items)
        raise RuntimeError("a view of a" + LEAF_IN_PLACE[1:] if makes_view and not advanced else LEAF_IN_PLACE)
    value_t = value if isinstance(value, Tensor) else None
    np_index = _numpy_index(index)
    recording = is_grad_enabled() and (self._requires_grad or (value_t is not None and value_t._requires_grad))
    if recording:
        old = wrap(self._data.copy())
        old._requires_grad, old._grad_fn = self._requires_grad, self._grad_fn
        src = value_t if value_t is not None else wrap(np.asarray(value, dtype=self._data.dtype))
        result = apply(ops.COPY_SLICES, old, src, index=np_index)
        self._data[...] = result._data
        self._grad_fn = result._grad_fn
        self._requires_grad = True
        self._grad_fn._out_ref = weakref.ref(self)
    else:
        with np.errstate(all="ignore"):
            self._data[np_index] = value._data if value_t is not None else value
    self._bump_version()


def _numpy_index(index):
    items = index if isinstance(index, tuple) else (index,)
    out = tuple(F._np_index(i) for i in items)
    return out[0] if len(out) == 1 else out


Tensor.__setitem__ = _setitem
