"""The Tensor: a numpy array plus PyTorch's autograd state.

This module holds the state and what reads it (shape, dtype, `.grad`, `requires_grad`, conversion, printing).
Operators and math methods (`x * y`, `x.sum()`, `x.backward()`) are added by `engine.tensor_methods`, which
routes each through `engine.apply.apply` (one op, one node) and the op registry `engine.ops`.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from . import dtypes
from .printing import format_tensor

_next_id = itertools.count().__next__
# engine.graph.capture() puts a list here to keep every new tensor alive, so a viewer can show intermediates
CAPTURE: list = [None]


class VersionCounter:
    """How many times a storage was changed in place; shared by a tensor and its views (PyTorch's `_version`).
    A saved tensor remembers the count it was saved at, and backward checks it has not moved."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


class Tensor:
    # Per-tensor fields in slots; rarely set ones as class-level defaults that an instance overrides only when
    # needed. (`__dict__`: users may set attributes of their own, as on torch tensors.)
    __slots__ = ("__dict__", "__weakref__", "_data", "_grad_fn", "_requires_grad", "_version_counter")
    _grad = None
    _accumulator = None  # weak reference to the leaf's AccumulateGrad node, while a graph holds it
    _hooks = None
    _retains_grad = False
    _id = None
    _output_nr = 0  # which output of its grad_fn this tensor is (split's pieces: 0, 1, ...)

    def __init__(self, *args, **kwargs):
        raise TypeError("create tensors with engine.tensor(...), engine.ones(...), ...")

    # ---------------------------------------------------------------- shape and type
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.itemsize

    # ---------------------------------------------------------------- autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value) -> None:
        if self._grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables." +
                               ("" if value else DETACH_HINT))
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        # PyTorch's method differs from the setter: a no-op on a non-leaf asked for True; other words for ints
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + DETACH_HINT)
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad and self._requires_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
                "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                "for more information. (Triggered internally at "
                "/__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{dtypes.c_type_name(value._data.dtype)}' to a "
                    f"tensor with grad_dtype '{dtypes.short_name(self._data.dtype)}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set "
                    "grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break "
                    "downstream systems that assume they match.")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of "
                    f"size '{list(self._data.shape)}'. Please ensure that the gradient and the tensor are "
                    "the same size")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in `.grad` during backward (a leaf keeps it anyway)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            self._retains_grad = True

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; it may return a replacement."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    @property
    def _version(self) -> int:
        return self._version_counter.value

    def _bump_version(self) -> None:
        """Mark an in-place change of the storage (this tensor and every view of it)."""
        self._version_counter.value += 1

    @property
    def data(self) -> Tensor:
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    def detach(self) -> Tensor:
        out = wrap(self._data)
        out._version_counter = self._version_counter  # shares storage and version counter, as in PyTorch
        return out

    def detach_(self) -> Tensor:
        self._grad_fn = None
        self._requires_grad = False
        return self

    # ---------------------------------------------------------------- conversion
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = object.__hash__  # (defining __eq__ in engine.tensor_methods would otherwise remove it)

    def __contains__(self, item) -> bool:
        return bool(np.any(self._data == array(item)))

    # ---------------------------------------------------------------- printing
    def __repr__(self) -> str:
        dt = self.dtype
        grad_fn = self._grad_fn
        return format_tensor(
            self._data, dtype_name=repr(dt),
            show_dtype=dt not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_),
            requires_grad=self._requires_grad and grad_fn is None,
            grad_fn=None if grad_fn is None else type(grad_fn).__name__,
        )

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    # ---------------------------------------------------------------- pickling (worker processes send tensors)
    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad and self._grad_fn is None,
                           None if self._grad is None else self._grad._data))


DETACH_HINT = (" If you want to use a computed variable in a subgraph that doesn't require differentiation "
               "use var_no_grad = var.detach().")


def wrap(data: np.ndarray, requires_grad: bool = False) -> Tensor:
    """A new tensor over `data` (no copy): every tensor the engine makes starts here."""
    t = object.__new__(Tensor)
    t._data = data
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._version_counter = VersionCounter()
    if CAPTURE[0] is not None:
        CAPTURE[0].append(t)
    return t


def constant(value) -> Tensor:
    """A tensor that needs no gradient, from an array or a number (or a Tensor, returned as it is)."""
    if isinstance(value, Tensor):
        return value
    return wrap(np.asarray(value))


def array(x):
    """The numpy array behind a tensor (no copy); anything else as numpy sees it."""
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def public_id(tensor: Tensor) -> int:
    """A number that names this tensor for good (graph views, traces), given on first request."""
    if tensor._id is None:
        tensor._id = _next_id()
    return tensor._id


def _rebuild(data, requires_grad, grad):
    t = wrap(data, requires_grad)
    if grad is not None:
        t._grad = wrap(grad)
    return t


class RemovableHandle:
    """What register_hook returns (torch.utils.hooks.RemovableHandle): `.remove()` takes the hook away."""

    __slots__ = ("_fn", "_hooks")

    def __init__(self, hooks: list, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class Size(tuple):
    """torch.Size: a tuple that prints as `torch.Size([5, 3])`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(int(n)) for n in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                 "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """torch.device: where a tensor lives. The engine computes on the CPU; naming another device is allowed,
    putting a tensor there fails as in a CPU build of PyTorch (`check_device`)."""

    __slots__ = ("index", "type")

    def __init__(self, type="cpu", index: int | None = None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        elif isinstance(type, str) and ":" in type and index is None:
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{number}'")
            index = int(number)
        if not isinstance(type, str) or type not in _DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: "
                               f"{type}")
        self.type, self.index = type, index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_device(where) -> None:
    """PyTorch's errors for a device a CPU build cannot put a tensor on (None and the CPU pass)."""
    if where is None:
        return
    kind = device(where).type
    if kind == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if kind != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {kind} devices")


CPU = device("cpu")


def wrap_dim(dim: int, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative index, with PyTorch's error (a 0-d tensor takes 0 and -1)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


# What type(x) prints, as in PyTorch: <class 'torch.Tensor'>, <class 'torch.Size'>, <class 'torch.device'>
for _cls in (Tensor, Size, device):
    _cls.__module__ = "torch"
del _cls
