"""Tensor creation: `tensor`, `ones`, `zeros`, `randn`, ... with PyTorch's dtype inference and errors."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from . import dtypes
from .tensor import Tensor, check_device, wrap


def _default_generator():
    from . import random as _random  # imported on first use: the generator module is large

    return _random.default_generator


def _np_dtype(dtype):
    if dtype is None:
        return None
    if isinstance(dtype, dtypes.dtype):
        return dtype.np
    return np.dtype(dtype)


def _finish(data: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad and data.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return wrap(data, bool(requires_grad))


def _infer(data):
    """PyTorch's inference for nested Python data: bool < int < float, floats become the default dtype."""
    if isinstance(data, Tensor):
        return data._data.dtype
    if isinstance(data, np.ndarray):
        return data.dtype
    if isinstance(data, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if isinstance(data, (numbers.Integral,)):
        return np.dtype(np.int64) if not isinstance(data, np.integer) else data.dtype
    if isinstance(data, np.floating):
        return data.dtype
    if isinstance(data, numbers.Real):
        return dtypes.get_default_dtype().np
    if isinstance(data, (list, tuple)):
        kinds = [_infer(x) for x in data]
        if not kinds:
            return dtypes.get_default_dtype().np
        out = kinds[0]
        for k in kinds[1:]:
            out = _promote_infer(out, k)
        return out
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _promote_infer(a, b):
    rank = lambda d: 2 if d.kind == "f" else (0 if d.kind == "b" else 1)
    if rank(a) != rank(b):
        return a if rank(a) > rank(b) else b
    return np.promote_types(a, b)


def _to_nested(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_to_nested(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    check_device(device)
    if type(data) is np.ndarray and dtype is None and data.dtype.kind == "f" and data.dtype.isnative:
        return wrap(np.array(data), bool(requires_grad))  # (a float array: a copy of its own dtype)
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        arr = np.array(data._data, dtype=_np_dtype(dtype), copy=True)
        return _finish(arr, requires_grad)
    want = _np_dtype(dtype) or _infer(data)
    try:
        arr = np.array(_to_nested(data), dtype=want)
    except OverflowError:
        if want is not None and want.kind in "iub":  # (a Python int no int64 holds)
            raise ValueError("Overflow when unpacking long long") from None
        raise
    except ValueError as e:
        raise ValueError(f"expected sequence of length {_first_len(data)} at dim 1 (got {_bad_len(data)})") \
            if isinstance(data, list) else e from None
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    return _finish(arr, requires_grad)


def _first_len(data):
    return len(data[0]) if data and isinstance(data[0], (list, tuple)) else 0


def _bad_len(data):
    first = _first_len(data)
    for x in data:
        if isinstance(x, (list, tuple)) and len(x) != first:
            return len(x)
    return "?"


as_tensor = tensor


def from_numpy(array: np.ndarray) -> Tensor:
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return wrap(array)  # shares memory, as torch.from_numpy does


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s.item())
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"empty(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _float_dtype(dtype):
    return _np_dtype(dtype) or dtypes.get_default_dtype().np


def _filled(size, value, dtype, requires_grad):
    return _finish(np.full(_size(size), value, dtype=_float_dtype(dtype)), requires_grad)


def ones(*shape, size=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    size = shape if size is None else (size,)
    return _filled(size, 1, dtype, requires_grad)


def zeros(*shape, size=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    size = shape if size is None else (size,)
    return _filled(size, 0, dtype, requires_grad)


def empty(*shape, size=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    size = shape if size is None else (size,)
    return _filled(size, 0, dtype, requires_grad)


def full(size, fill_value, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    if dtype is None:
        dtype = _infer(fill_value)
    np_dtype = _np_dtype(dtype)
    if type(fill_value) is int:
        dtypes.fill_int(fill_value, np_dtype)
    return _finish(np.full(_size((size,)), fill_value, dtype=np_dtype), requires_grad)


def _like(x, value, dtype, requires_grad):
    return _finish(np.full(x._data.shape, value, dtype=_np_dtype(dtype) or x._data.dtype), requires_grad)


def ones_like(input, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    return _like(input, 1, dtype, requires_grad)


def zeros_like(input, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    return _like(input, 0, dtype, requires_grad)


def empty_like(input, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    return _like(input, 0, dtype, requires_grad)


def full_like(input, fill_value, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    return _like(input, fill_value, dtype, requires_grad)


def eye(n, m=None, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    return _finish(np.eye(n, n if m is None else m, dtype=_float_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _infer([start, end, step])
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    return _finish(np.arange(start, end, step).astype(_np_dtype(dtype)), requires_grad)


def linspace(start, end, steps, *, dtype=None, requires_grad=False, device=None) -> Tensor:
    check_device(device)
    dt = np.dtype(_float_dtype(dtype))
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps <= 1 or dt.kind != "f":
        return _finish(np.linspace(start, end, steps).astype(dt), requires_grad)
    # PyTorch's kernel: a step in the dtype, then start + step * i for the first half and end - step * (n-1-i)
    # for the second, each one fused multiply-add (done here in a wider type, rounded once)
    first, last = dt.type(start), dt.type(end)
    step = (last - first) / dt.type(steps - 1)
    wide = np.float64 if dt.itemsize < 8 else np.longdouble
    i = np.arange(steps)
    values = np.where(i < steps // 2, wide(first) + wide(step) * i, wide(last) - wide(step) * (steps - 1 - i))
    return _finish(values.astype(dt), requires_grad)


def rand(*shape, size=None, dtype=None, requires_grad=False, generator=None, device=None) -> Tensor:
    check_device(device)
    size = shape if size is None else (size,)
    gen = generator or _default_generator()
    return _finish(gen.rand(_size(size), _float_dtype(dtype)), requires_grad)


def randn(*shape, size=None, dtype=None, requires_grad=False, generator=None, device=None) -> Tensor:
    check_device(device)
    size = shape if size is None else (size,)
    gen = generator or _default_generator()
    return _finish(gen.randn(_size(size), _float_dtype(dtype)), requires_grad)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, requires_grad=False, device=None) -> Tensor:
    """Samples of N(mean, std²), as PyTorch draws them: standard normals scaled by std and shifted by mean
    (one or both may be tensors, broadcast together), or `size` draws of N(mean, std²) for two numbers."""
    check_device(device)
    gen = generator or _default_generator()
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_t and not std_t:
        if size is None:
            raise TypeError("normal() missing 1 required positional argument: 'size'")
        out = np.empty(_size((size,)), _float_dtype(dtype))
        gen.normal_(out, float(mean), float(std))
        return _finish(out, requires_grad)
    if std_t and np.any(std._data < 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    means = mean._data if mean_t else np.asarray(mean)
    stds = std._data if std_t else np.asarray(std)
    dt = (mean if mean_t else std)._data.dtype
    out = np.empty(np.broadcast_shapes(np.shape(means), np.shape(stds)), dt)
    if std_t:  # output.normal_(0, 1), then * std + mean
        gen.normal_(out, 0.0, 1.0)
        out = out * stds.astype(dt) + means.astype(dt)
    else:  # output.normal_(0, std), then + mean
        gen.normal_(out, 0.0, float(std))
        out = out + means.astype(dt)
    return _finish(np.asarray(out, dt), requires_grad)


def rand_like(input, *, dtype=None, requires_grad=False) -> Tensor:
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, requires_grad=False) -> Tensor:
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randint(low, high=None, size=None, *, dtype=None, generator=None, requires_grad=False) -> Tensor:
    if high is None:
        low, high = 0, low
    gen = generator or _default_generator()
    data = gen.randint(low, high, _size((size,)) if size is not None else ())
    return _finish(data.astype(_np_dtype(dtype) or np.int64), requires_grad)


def randperm(n, *, dtype=None, generator=None, requires_grad=False) -> Tensor:
    gen = generator or _default_generator()
    return _finish(np.asarray(gen.randperm(n)).astype(_np_dtype(dtype) or np.int64), requires_grad)


def manual_seed(seed: int):
    from . import random as _random

    return _random.manual_seed(seed)


def initial_seed() -> int:
    from . import random as _random

    return _random.initial_seed()


def seed() -> int:
    return _default_generator().seed()
