"""The forms older lessons are written in, as PyTorch 2.13 still takes them: the `torch.Tensor(...)`
constructor, the typed classes (`torch.FloatTensor`, ...), `torch.autograd.Variable`, and `x.new_*`."""

from __future__ import annotations

import warnings

import numpy as np

from . import dtypes
from .creation import tensor as _tensor
from .tensor import Size, Tensor, check_device, wrap


def _from_args(args, np_dtype):
    """What `torch.Tensor(...)` and `torch.FloatTensor(...)` make of their arguments: sizes give a new tensor
    (PyTorch leaves its memory uninitialised; the engine fills it with zeros), a sequence its values."""
    if not args:
        return wrap(np.zeros((0,), np_dtype))
    if len(args) == 1 and isinstance(args[0], Tensor):
        source = args[0]
        return source if source._data.dtype == np_dtype else wrap(source._data.astype(np_dtype))
    if len(args) == 1 and isinstance(args[0], Size):
        return wrap(np.zeros(tuple(args[0]), np_dtype))
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return wrap(np.zeros(tuple(int(a) for a in args), np_dtype))
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)):
        return wrap(np.asarray(_tensor(args[0])._data, dtype=np_dtype))
    data = args[0]
    if isinstance(data, (float, int, bool)):
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    raise TypeError(f"new(): invalid data type '{type(data).__name__}'")


def _tensor_new(cls, *args, **kwargs):
    """torch.Tensor(...): a float32 tensor (the default dtype) from sizes or data."""
    check_device(kwargs.pop("device", None))
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return _from_args(args, dtypes.get_default_dtype().np)


class _TypedTensorMeta(type):
    """`isinstance(x, torch.FloatTensor)` is true for a float32 tensor, as in PyTorch."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor) and instance._data.dtype == cls.dtype.np


def _typed(name: str, dtype: dtypes.dtype):
    def new(cls, *args, **kwargs):
        check_device(kwargs.pop("device", None))
        if kwargs:
            raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return _from_args(args, dtype.np)

    cls = _TypedTensorMeta(name, (), {"__new__": new, "dtype": dtype, "__module__": "torch"})
    return cls


FloatTensor = _typed("FloatTensor", dtypes.float32)
DoubleTensor = _typed("DoubleTensor", dtypes.float64)
HalfTensor = _typed("HalfTensor", dtypes.float16)
LongTensor = _typed("LongTensor", dtypes.int64)
IntTensor = _typed("IntTensor", dtypes.int32)
ShortTensor = _typed("ShortTensor", dtypes.int16)
CharTensor = _typed("CharTensor", dtypes.int8)
ByteTensor = _typed("ByteTensor", dtypes.uint8)
BoolTensor = _typed("BoolTensor", dtypes.bool_)
TYPED = {cls.__name__: cls for cls in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,
                                       CharTensor, ByteTensor, BoolTensor)}


class _VariableMeta(type):
    """Every tensor is a Variable, as in PyTorch since 0.4."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """torch.autograd.Variable(data, requires_grad=False): since PyTorch 0.4 a plain tensor sharing data's
    storage, detached from its history."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            return wrap(np.zeros((0,), dtypes.get_default_dtype().np))
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


Variable.__module__ = "torch.autograd.variable"


def _new_filled(self, size, value, dtype=None, requires_grad=False, device=None):
    check_device(device)
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    np_dtype = self._data.dtype if dtype is None else dtype.np
    out = wrap(np.full(tuple(size), value, dtype=np_dtype))
    return out.requires_grad_(requires_grad) if requires_grad else out


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    check_device(device)
    return _tensor(data, dtype=dtype or dtypes.from_numpy_dtype(self._data.dtype), requires_grad=requires_grad)


Tensor.__new__ = _tensor_new
Tensor.__init__ = lambda self, *args, **kwargs: None
Tensor.new_tensor = new_tensor
Tensor.new_zeros = lambda self, *size, dtype=None, requires_grad=False, device=None: \
    _new_filled(self, size, 0, dtype, requires_grad, device)
Tensor.new_ones = lambda self, *size, dtype=None, requires_grad=False, device=None: \
    _new_filled(self, size, 1, dtype, requires_grad, device)
Tensor.new_empty = Tensor.new_zeros
Tensor.new_full = lambda self, size, fill_value, dtype=None, requires_grad=False, device=None: \
    _new_filled(self, (size,), fill_value, dtype, requires_grad, device)
