"""Tensor's operators, math methods and in-place ops, bound to the functions of `engine.functions`."""

from __future__ import annotations

import numpy as np

from . import dtypes
from . import functions as F
from .grad_mode import ENABLED
from .ops import REGISTRY as R
from .ops import torch_sum as _torch_sum
from .tensor import Tensor, _attach, _make, apply, apply_elementwise, binary_runner, unary_runner

_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def _reflected(fn):
    return lambda self, other: fn(F._t(other) if not isinstance(other, (int, float, bool)) else other, self) \
        if not isinstance(other, (int, float, bool)) else _scalar_first(fn, other, self)


def _scalar_first(fn, scalar, tensor):
    if fn is F.sub:
        return F.rsub(tensor, scalar)
    if fn is F.div:
        return F.mul(F.reciprocal(tensor), scalar)
    if fn is F.pow:
        return F.pow(scalar, tensor)
    return fn(tensor, scalar)


def _binary(fn):
    def method(self, other):
        if not isinstance(other, (Tensor, int, float, bool, np.number, np.ndarray)):
            return NotImplemented
        if isinstance(other, np.ndarray):
            other = _make(other)
        return fn(self, other)

    return method


def _direct(spec, general, float_self=False):
    """`self <op> other`: the op's two-operand apply itself for the commonest operands, a Tensor or a Python
    float or int (the general path's checks all pass for these), `general` for the rest. `float_self`: only
    when self is floating point (integer tensors change dtype first in div)."""
    return binary_runner(spec, fallback=general, float_self=float_self)


def _pow(self, exponent):
    kind = type(exponent)
    if kind is Tensor:
        return apply_elementwise(_POW_TENSOR, (self, exponent))
    if kind is int and not dtypes.INT64_MIN <= exponent < dtypes.UINT64_END:
        dtypes.scalar_int(exponent)  # (PyTorch's error)
    if (kind is int or kind is float) and self._data.dtype.kind == "f":
        return _POW_RUN(self, attrs={"exponent": exponent})
    return _pow_general(self, exponent)


def _rsub(self, other):
    kind = type(other)
    if kind is float or kind is int:
        if kind is int:
            other = dtypes.scalar_int(other, self._data.dtype)
        return apply_elementwise(_RSUB, (self,), {"other": other})
    return F.rsub(self, other) if isinstance(other, (int, float, bool)) else NotImplemented


_POW, _POW_TENSOR, _RSUB = R["pow"], R["pow_tensor"], R["rsub"]
_POW_RUN = unary_runner(_POW)
_pow_general = _binary(F.pow)
Tensor.__add__ = _direct(R["add"], _binary(F.add))
Tensor.__radd__ = _direct(R["add"], _binary(F.add))
Tensor.__sub__ = _direct(R["sub"], _binary(F.sub))
Tensor.__rsub__ = _rsub
Tensor.__mul__ = _direct(R["mul"], _binary(F.mul))
Tensor.__rmul__ = _direct(R["mul"], _binary(F.mul))
Tensor.__truediv__ = _direct(R["div"], _binary(F.div), float_self=True)
Tensor.__rtruediv__ = lambda self, other: (
    F.mul(F.reciprocal(self), other) if isinstance(other, (int, float, bool)) else NotImplemented)
Tensor.__pow__ = _pow
Tensor.__rpow__ = lambda self, other: (
    F.pow(other, self) if isinstance(other, (int, float)) else NotImplemented)
def _matmul(self, other):
    a = self._data
    if type(other) is Tensor and a.ndim == 2 and other._data.ndim == 2 and a.dtype is other._data.dtype:
        return apply(_MM, (self, other))  # (matrix @ matrix: F.matmul's checks all pass, straight to mm)
    return F.matmul(self, other) if isinstance(other, Tensor) else NotImplemented


_MM = R["mm"]
Tensor.__matmul__ = _matmul
Tensor.__rmatmul__ = lambda self, other: NotImplemented
Tensor.__neg__ = F.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = F.abs
Tensor.__eq__ = F.eq
Tensor.__ne__ = F.ne
Tensor.__lt__ = F.lt
Tensor.__le__ = F.le
Tensor.__gt__ = F.gt
Tensor.__ge__ = F.ge
Tensor.__hash__ = lambda self: id(self)
Tensor.__invert__ = lambda self: _make(np.invert(self._data))
Tensor.__and__ = lambda self, o: _make(np.logical_and(self._data, F._t(o)._data))
Tensor.__or__ = lambda self, o: _make(np.logical_or(self._data, F._t(o)._data))
Tensor.__floordiv__ = lambda self, o: F.div(self, o, rounding_mode="floor")
Tensor.__mod__ = _binary(F.remainder)
Tensor.__getitem__ = F.getitem

for _name in ("add", "sub", "mul", "div", "pow", "matmul", "mm", "mv", "dot", "exp", "log", "sqrt", "sin",
              "cos", "tanh", "sigmoid", "relu", "abs", "neg", "reciprocal", "square", "clamp", "clip", "sum",
              "mean", "max", "min", "norm", "reshape", "view", "flatten", "squeeze", "unsqueeze", "t",
              "transpose", "permute", "expand", "expand_as", "clone", "argmax", "argmin", "eq", "ne", "lt",
              "le", "gt", "ge",
              "maximum", "minimum", "outer", "equal", "allclose", "isclose", "sign", "isnan", "logical_not",
              "true_divide", "multiply", "subtract", "divide", "negative", "absolute", "amax", "swapaxes", "remainder",
              "floor", "ceil", "trunc", "round", "frac", "log1p", "expm1", "log2", "log10", "exp2", "sinh", "cosh",
              "tan", "asin", "acos", "atan", "rsqrt", "arcsin", "arccos", "arctan",
              "greater", "less"):
    setattr(Tensor, _name, getattr(F, _name))


def _sum_method(self, dim=None, keepdim=False, *, dtype=None):
    data = self._data
    if dim is None and dtype is None and data.dtype.kind == "f":
        # x.sum() of a float tensor, the root of most losses: F.sum's conversions all pass, and apply's steps
        # reduce to these (its forward always returns an array)
        result = _make(_torch_sum(data))
        if self._requires_grad and ENABLED[0]:
            result._requires_grad = True
            _attach(_SUM, (self,), {"shape": data.shape}, result, None)
        return result
    return F.sum(self, dim, keepdim, dtype=dtype)


_SUM = R["sum"]
Tensor.sum = _sum_method


def _view_as(self, other):
    return F.view(self, *other.shape)


def _type_as(self, other):
    return F.to_dtype(self, other.dtype)


def _to(self, *args, **kwargs):
    dtype = kwargs.get("dtype")
    for a in args:
        if isinstance(a, dtypes.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    return self if dtype is None else F.to_dtype(self, dtype)


def _type(self, dtype=None):
    if dtype is None:
        return f"torch.{self.dtype.legacy_name}"
    return F.to_dtype(self, dtype)


Tensor.view_as = _view_as
Tensor.reshape_as = _view_as
Tensor.type_as = _type_as
Tensor.to = _to
Tensor.type = _type
Tensor.float = lambda self: F.to_dtype(self, dtypes.float32)
Tensor.double = lambda self: F.to_dtype(self, dtypes.float64)
Tensor.long = lambda self: F.to_dtype(self, dtypes.int64)
Tensor.int = lambda self: F.to_dtype(self, dtypes.int32)
Tensor.bool = lambda self: F.to_dtype(self, dtypes.bool_)
Tensor.half = lambda self: F.to_dtype(self, dtypes.float16)
Tensor.cpu = lambda self: self
Tensor.contiguous = lambda self: self
Tensor.is_contiguous = lambda self: bool(self._data.flags.c_contiguous)
Tensor.softmax = lambda self, dim: apply(R["softmax"], (self,), {"dim": dim})
Tensor.log_softmax = lambda self, dim: apply(R["log_softmax"], (self,), {"dim": dim})
Tensor.any = lambda self: _make(np.asarray(np.any(self._data)))
Tensor.all = lambda self: _make(np.asarray(np.all(self._data)))
Tensor.std = F.std
Tensor.var = F.var
Tensor.amin = F.amin


# ---------------------------------------------------------------- in-place ops
def _check_inplace(self, other_requires_grad: bool = False):
    if ENABLED[0] and self._requires_grad and self._grad_fn is None:
        raise RuntimeError(_LEAF_INPLACE)


def _bump(self):
    self._vbox[0] += 1


def _inplace(fn, name, spec=None):
    """`spec`: the registry op `fn` ends in for a Tensor or a float/int operand and no keyword arguments (as in
    the operators above; div only on floating point tensors), called directly in that case."""

    def run(base, other, kwargs):
        if spec is not None and not kwargs:
            kind = type(other)
            if (kind is Tensor or kind is float or kind is int) and (
                    spec is not _DIV or base._data.dtype.kind == "f"):
                return apply_elementwise(spec, (base, other))
        return fn(base, other, **kwargs)

    def method(self, other, **kwargs):
        if ENABLED[0] and self._requires_grad and self._grad_fn is None:
            raise RuntimeError(_LEAF_INPLACE)
        other_needs = isinstance(other, Tensor) and other._requires_grad
        recording = ENABLED[0] and (self._requires_grad or other_needs)
        if recording:
            # rebase history: the op runs on a snapshot of the old value and the result takes its place
            old = _make(self._data.copy())
            old._requires_grad, old._grad_fn, old._acc = self._requires_grad, self._grad_fn, self._acc
            result = run(old, other, kwargs)
        else:
            result = run(_make(self._data), other, kwargs)
        values, target = result._data, self._data
        same_dtype = values.dtype is target.dtype
        if not same_dtype and not np.can_cast(values.dtype, target.dtype, casting="same_kind"):
            raise RuntimeError(
                f"result type {F._type_name(result)} can't be cast to the desired output type "
                f"{F._type_name(self)}")
        if values.shape == target.shape:  # (nothing to broadcast: skips building a broadcast view)
            if same_dtype and not target.ndim:
                target[()] = values[()]
            else:
                np.copyto(target, values, casting="unsafe")
        else:
            try:
                np.copyto(target, np.broadcast_to(values, target.shape), casting="unsafe")
            except ValueError:
                raise RuntimeError(
                    f"output with shape {list(target.shape)} doesn't match the broadcast shape "
                    f"{list(values.shape)}") from None
        self._vbox[0] += 1
        if recording:
            node = result._grad_fn
            self._grad_fn = node
            self._requires_grad = True
            import weakref

            node._out_ref = weakref.ref(self)
        return self

    method.__name__ = name
    return method


_DIV = R["div"]
Tensor.add_ = _inplace(F.add, "add_", R["add"])
Tensor.sub_ = _inplace(F.sub, "sub_", R["sub"])
Tensor.mul_ = _inplace(F.mul, "mul_", R["mul"])
Tensor.div_ = _inplace(F.div, "div_", _DIV)
Tensor.pow_ = _inplace(F.pow, "pow_")
Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_


def _unary_inplace(fn, name):
    binary = _inplace(lambda x, _unused, **kw: fn(x, **kw), name)

    def method(self, **kwargs):
        return binary(self, None, **kwargs)

    method.__name__ = name
    return method


Tensor.clamp_ = _unary_inplace(F.clamp, "clamp_")
Tensor.relu_ = _unary_inplace(F.relu, "relu_")
Tensor.exp_ = _unary_inplace(F.exp, "exp_")
Tensor.neg_ = _unary_inplace(F.neg, "neg_")


def _fill_like(self, values: np.ndarray):
    _check_inplace(self)
    self._data[...] = values
    _bump(self)
    if ENABLED[0] and self._grad_fn is not None:
        self._grad_fn = None  # PyTorch records FillBackward; filled values carry no gradient back
    return self


def zero_(self):
    return _fill_like(self, 0)


def fill_(self, value):
    if type(value) is int:
        dtypes.fill_int(value, self._data.dtype)
    return _fill_like(self, value._data if isinstance(value, Tensor) else value)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    from . import random as rnd

    gen = generator or rnd.default_generator
    _check_inplace(self)
    gen.normal_(self._data, mean, std)
    _bump(self)
    return self


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    from . import random as rnd

    gen = generator or rnd.default_generator
    _check_inplace(self)
    gen.uniform_(self._data, a, b)
    _bump(self)
    return self


def copy_(self, src):
    _check_inplace(self)
    self._data[...] = src._data if isinstance(src, Tensor) else src
    _bump(self)
    return self


Tensor.zero_ = zero_
Tensor.fill_ = fill_
Tensor.normal_ = normal_
Tensor.uniform_ = uniform_
Tensor.copy_ = copy_


def _setitem(self, index, value):
    if ENABLED[0] and self._requires_grad and self._grad_fn is None:
        # an index that makes a view (an int, a partial slice, None) writes through "a view of" the leaf;
        # advanced indexing, `...` and `:` write into the leaf itself
        items = index if isinstance(index, tuple) else (index,)
        advanced = any(F._is_advanced(i) or isinstance(i, bool) for i in items)
        makes_view = any(i is None or isinstance(i, (int, np.integer))
                         or (isinstance(i, slice) and i != slice(None)) for i in items)
        through_view = makes_view and not advanced
        raise RuntimeError("a view of a" + _LEAF_INPLACE[1:] if through_view else _LEAF_INPLACE)
    value_t = value if isinstance(value, Tensor) else None
    np_index = _setitem_index(index)
    recording = ENABLED[0] and (self._requires_grad or (value_t is not None and value_t._requires_grad))
    if recording:
        old = _make(self._data.copy())
        old._requires_grad, old._grad_fn, old._acc = self._requires_grad, self._grad_fn, self._acc
        src = value_t if value_t is not None else _make(np.asarray(value, dtype=self._data.dtype))
        result = apply(R["copy_slices"], (old, src), {"index": np_index})
        self._data[...] = result._data
        self._grad_fn = result._grad_fn
        self._requires_grad = True
        import weakref

        self._grad_fn._out_ref = weakref.ref(self)
    else:
        self._data[np_index] = value._data if value_t is not None else value
    _bump(self)


def _setitem_index(index):
    items = index if isinstance(index, tuple) else (index,)
    out = tuple(F._np_index(i) for i in items)
    return out[0] if len(out) == 1 else out


Tensor.__setitem__ = _setitem
