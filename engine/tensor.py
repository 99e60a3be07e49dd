"""The Tensor: a numpy array plus PyTorch's autograd state, and the one dispatcher every op goes through."""

from __future__ import annotations

import itertools
import weakref

import numpy as np

from . import dtypes
from .grad_mode import ENABLED
from .nodes import HOOKED, Node, _next_seq, accumulator_for, link_output, node_class

try:
    import cython  # compile-time declarations only (@cython.locals below): no-ops when run as Python
except ImportError:
    from ._cython_shim import cython

# PyTorch returns inf and nan silently; numpy would warn on every such element-wise op.
np.seterr(divide="ignore", invalid="ignore", over="ignore", under="ignore")

_next_tid = itertools.count().__next__
CAPTURE: list = [None]  # engine.graph.capture() puts a list here to keep every new tensor alive
_EMPTY: dict = {}


class _TensorFields:
    """The fields every tensor sets, in a base class of their own: compiled, it is an extension type
    (tensor.pxd) whose fields the hot paths read and set as C struct fields, where they declare a local as
    one; `Tensor` adds everything else (and stays a Python class, which tensor_methods adds methods to)."""

    __slots__ = ("__weakref__", "_data", "_grad_fn", "_requires_grad", "_tid_no", "_vbox")


_new_tensor = _TensorFields.__new__  # (object.__new__ as Python; compiled, the extension type's own)


class Tensor(_TensorFields):
    # Hot attributes are the base's fields, set for every tensor; rarely set ones are class-level defaults that
    # an instance overrides in its __dict__ only when needed, which keeps creating a tensor (the hot path) cheap.
    __slots__ = ("__dict__",)
    _grad = None
    _acc = None
    _hooks = None
    _retains_grad = False

    @property
    def _tid(self) -> int:
        """A number that names this tensor for good (graph views, traces): given on first request, which
        spares creating a tensor (the hot path) the count."""
        tid = getattr(self, "_tid_no", None)  # (unset: None compiled, missing as Python)
        if tid is None:
            self._tid_no = tid = _next_tid()
        return tid

    # ---------------------------------------------------------------- construction
    def __init__(self, *args, **kwargs):
        raise TypeError("create tensors with engine.tensor(...), engine.ones(...), ...")

    # ---------------------------------------------------------------- basic properties
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

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
    def device(self):
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value) -> None:
        if self._grad_fn is not None:
            hint = "" if value else _DETACH_HINT
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + hint)
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        # PyTorch's method differs from the setter: a no-op on a non-leaf asked for True; other words for ints
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + _DETACH_HINT)
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
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError("assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_C_TYPE[value._data.dtype.name]}' to a "
                    f"tensor with grad_dtype '{_C_TYPE_TITLE[self._data.dtype.name]}'. The gradient must "
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

    @property
    def _version(self) -> int:
        return self._vbox[0]

    @property
    def data(self) -> Tensor:
        return _make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    @property
    def T(self) -> Tensor:
        from . import functions as fn

        n = self._data.ndim
        return fn.permute(self, tuple(range(n - 1, -1, -1)))  # (PermuteBackward0 for 0-d and 1-d too)

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

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

    def detach(self) -> Tensor:
        t = _make(self._data)
        t._vbox = self._vbox  # shares storage and version counter, as in PyTorch
        return t

    def detach_(self) -> Tensor:
        self._grad_fn = None
        self._requires_grad = False
        return self

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def _scalar(self, what):
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

    def __hash__(self) -> int:
        return id(self)

    def __contains__(self, item) -> bool:
        return bool(np.any(self._data == _data_of(item)))

    # ---------------------------------------------------------------- printing
    def __repr__(self) -> str:
        from .printing import format_tensor

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

    # ---------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        backward = _AUTOGRAD_BACKWARD[0]
        if backward is None:  # engine.autograd imports this module: looked up once, on first use
            from .autograd import backward
            from .autograd.execution import backward_scalar_root

            _AUTOGRAD_BACKWARD[0] = backward
            _AUTOGRAD_BACKWARD[1] = backward_scalar_root
        data = self._data
        if gradient is None and inputs is None and not create_graph and self._grad_fn is not None \
                and not data.ndim and data.dtype.kind == "f":
            # `loss.backward()`, the commonest call: autograd.backward's checks all pass, its root gradient is 1
            _AUTOGRAD_BACKWARD[1](self, data.dtype.type(1), bool(retain_graph))
            return
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self) -> None:
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            self._retains_grad = True
            HOOKED[0] = True
            link_output(self)

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        HOOKED[0] = True
        link_output(self)
        from .nodes import _RemovableHandle

        return _RemovableHandle(self._hooks, hook)

    # ---------------------------------------------------------------- pickling (worker processes send tensors)
    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad and self._grad_fn is None,
                           None if self._grad is None else self._grad._data))


_AUTOGRAD_BACKWARD: list = [None, None]  # engine.autograd's backward and backward_scalar_root
_DETACH_HINT = (" If you want to use a computed variable in a subgraph that doesn't require differentiation "
                "use var_no_grad = var.detach().")
# C++ type names in PyTorch's grad-assignment message
_C_TYPE = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool",
           "float16": "c10::Half", "int16": "short int", "int8": "signed char", "uint8": "unsigned char"}
_C_TYPE_TITLE = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
                 "float16": "Half", "int16": "Short", "int8": "Char", "uint8": "Byte"}


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


class _Device:
    type = "cpu"
    index = None

    def __repr__(self):
        return "device(type='cpu')"

    def __str__(self):
        return "cpu"


_CPU = _Device()


def _rebuild(data, requires_grad, grad):
    t = _make(data, requires_grad)
    if grad is not None:
        t._grad = _make(grad)
    return t


@cython.locals(t=_TensorFields)
def _make(data: np.ndarray, requires_grad: bool = False) -> Tensor:
    t = _new_tensor(Tensor)
    t._data = data
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._vbox = [0]
    cap = CAPTURE[0]
    if cap is not None:
        cap.append(t)
    return t


def _data_of(x):
    return x._data if isinstance(x, Tensor) else x


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _broadcast_error(datas) -> RuntimeError:
    a, b = (np.shape(d) for d in datas[:2])
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            dim = max(len(a), len(b)) - i
            return RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}")
    return RuntimeError(f"shapes {a} and {b} cannot be broadcast together")


def apply(spec, inputs: tuple, attrs: dict = _EMPTY, elementwise: bool = False, share_version: bool = False):
    """Run `spec`'s forward on `inputs` (Tensors or Python scalars) and, when grad mode is on and an input
    requires grad, attach a node of PyTorch's class for it. Returns the output Tensor (and for ops with
    extra results, e.g. max over a dim, the extras dict)."""
    if elementwise and not share_version:
        return apply_elementwise(spec, inputs, attrs)
    extras = None
    any_grad = False
    datas = []
    if elementwise:
        datas, any_grad = _elementwise_inputs(inputs)
        out = _elementwise_forward(spec, datas, attrs)
    else:
        for x in inputs:
            if isinstance(x, Tensor):
                datas.append(x._data)
                if x._requires_grad:
                    any_grad = True
            else:
                datas.append(x)
        out = spec.forward(*datas, **attrs)
        if spec.extra_saves:
            out, extras = out
        if type(out) is not np.ndarray:
            out = np.asarray(out)
    result = _make(out)
    if share_version:
        result._vbox = inputs[0]._vbox
    if any_grad and ENABLED[0]:
        result._requires_grad = True
        first = datas[0]
        shape = first.shape if type(first) is np.ndarray else np.shape(first)
        _attach(spec, inputs, attrs if elementwise else {**attrs, "shape": shape}, result, extras)
    if extras is not None:
        return result, extras
    return result


def _elementwise_forward(spec, datas, attrs):
    # 0-d arrays go through numpy's ufunc machinery ten times slower than numpy scalars, so element-wise
    # ops on 0-d tensors compute on scalars (the callers pass them) and wrap the result once
    try:
        out = spec.forward(*datas, **attrs)
    except ValueError:
        raise _broadcast_error(datas) from None
    want = _elementwise_dtype(datas)
    if want is not None and out.dtype != want:
        return np.asarray(out, dtype=want)
    if type(out) is not np.ndarray:
        return np.asarray(out)
    return out


def _elementwise_inputs(inputs) -> tuple[list, bool]:
    """The operands' data (0-d tensors as numpy scalars: see `apply`) and whether any input requires grad."""
    datas = []
    any_grad = False
    for x in inputs:
        if isinstance(x, Tensor):
            d = x._data
            datas.append(d if d.ndim else d[()])
            if x._requires_grad:
                any_grad = True
        else:
            datas.append(x)
    return datas, any_grad


def apply_elementwise(spec, inputs: tuple, attrs: dict = _EMPTY):
    """`apply` for an element-wise op (the most frequent call of all, so written out for one and two inputs:
    the same steps as the general loop, with fewer Python operations)."""
    n = len(inputs)
    if n == 2:
        run = spec.binary_run
        if run is None:
            run = binary_runner(spec)
            object.__setattr__(spec, "binary_run", run)
        return run(inputs[0], inputs[1], attrs)
    if n == 1 and type(inputs[0]) is Tensor:
        run = spec.unary_run
        if run is None:
            run = unary_runner(spec)
            object.__setattr__(spec, "unary_run", run)
        return run(inputs[0], attrs=attrs)
    datas, grad = _elementwise_inputs(inputs)
    result = _make(_elementwise_forward(spec, datas, attrs))
    if grad and ENABLED[0]:
        result._requires_grad = True
        _attach(spec, inputs, attrs, result, None)
    return result


def unary_runner(spec, fallback=None):
    """`apply_elementwise` for one Tensor operand, made once per op (see binary_runner): `x.tanh()` is then
    one Python call. With `fallback`, anything but a floating-point Tensor goes to fallback(x)."""
    forward = spec.forward

    @cython.locals(t=_TensorFields, result=_TensorFields)
    def run(x, *, attrs=_EMPTY):  # (keyword-only: `torch.exp(x, 2)` stays an error)
        if fallback is not None and not (type(x) is Tensor and x._data.dtype.kind == "f"):
            return fallback(x)
        t = x  # (a tensor from here on)
        dx = t._data
        if not dx.ndim:
            dx = dx[()]
        if type(dx) in _ARRAY_TYPES:
            try:
                out = forward(dx, **attrs) if attrs else forward(dx)
            except ValueError:
                raise _broadcast_error([dx]) from None
            kind = type(out)
            if kind is not _ND:  # a numpy scalar's own __array__ wraps it faster than np.array
                out = out.__array__() if kind is _F32 or kind is _F64 else np.array(out)
        else:
            out = _elementwise_forward(spec, [dx], attrs)
        # (_make's steps written out, as in binary_runner: one call fewer per op on the hottest path)
        result = _new_tensor(Tensor)
        result._data = out
        result._vbox = [0]
        if CAPTURE[0] is not None:
            CAPTURE[0].append(result)
        if t._requires_grad and ENABLED[0]:
            result._requires_grad = True
            _attach(spec, (x,), attrs, result, None)  # (sets _grad_fn)
        else:
            result._requires_grad = False
            result._grad_fn = None
        return result

    run.__name__ = spec.name
    return run


def binary_runner(spec, fallback=None, float_self=False):
    """`apply_elementwise` for two operands, made once per op, so that Tensor's operators can be this very
    function: `a * b` is then one Python call (a chain of small ops spends a twentieth of its time on a
    second). With `fallback`, operands other than a Tensor, float or int (and with `float_self`, a
    non-float self) go to fallback(x, y) instead; without, it takes all that apply_elementwise takes."""
    plain_forward = spec.plain_forward

    @cython.locals(xt=_TensorFields, yt=_TensorFields, result=_TensorFields)
    def run(x, y, attrs=_EMPTY):
        ty = type(y)
        if fallback is not None and (not (ty is Tensor or ty is float or ty is int)
                                     or (float_self and x._data.dtype.kind != "f")):
            return fallback(x, y)
        if type(x) is Tensor or isinstance(x, Tensor):
            xt = x
            dx = xt._data
            if not dx.ndim:
                dx = dx[()]
            grad = xt._requires_grad
        else:
            dx = x
            grad = False
        if ty is Tensor or isinstance(y, Tensor):
            yt = y
            dy = yt._data
            if not dy.ndim:
                dy = dy[()]
            if yt._requires_grad:
                grad = True
            ty = type(dy)
        else:
            dy = y
        tx = type(dx)
        # the cases where numpy's result dtype is PyTorch's (see _elementwise_dtype), decided without a call
        if ty is float or ty is int:
            if ty is int and not _INT64_MIN <= dy < _INT64_END:  # (PyTorch's Scalar rules for larger ints)
                dy = dtypes.scalar_int(dy, getattr(dx, "dtype", None))
            if tx is _ND:
                direct = dx.dtype.kind == "f"
                if direct and not attrs:
                    # numpy casts a Python number to the array's dtype (NEP 50) at a cost of 0.8 us per call;
                    # the same cast done here costs 0.1 (a 2x2 `x - 1`: 1.2 us -> 0.8)
                    dy = dx.dtype.type(dy)
            else:
                direct = tx is _F32 or tx is _F64
        elif tx is ty:
            direct = tx is _F32 or tx is _F64 or (tx is _ND and dx.dtype is dy.dtype)
        else:
            direct = tx in _ARRAY_TYPES and ty in _ARRAY_TYPES and dx.dtype is dy.dtype
        if direct:
            try:
                out = spec.forward(dx, dy, **attrs) if attrs else plain_forward(dx, dy)
            except ValueError:
                raise _broadcast_error([dx, dy]) from None
            kind = type(out)
            if kind is not _ND:  # a numpy scalar's own __array__ wraps it faster than np.array
                out = out.__array__() if kind is _F32 or kind is _F64 else np.array(out)
        else:
            out = _elementwise_forward(spec, [dx, dy], attrs)
        # (_make's steps written out: a call fewer for every `a * b`)
        result = _new_tensor(Tensor)
        result._data = out
        result._vbox = [0]
        if CAPTURE[0] is not None:
            CAPTURE[0].append(result)
        if grad and ENABLED[0]:
            result._requires_grad = True
            _attach(spec, (x, y), attrs, result, None)  # (sets _grad_fn)
        else:
            result._requires_grad = False
            result._grad_fn = None
        return result

    run.__name__ = spec.name
    return run


_INT64_MIN, _INT64_END = dtypes.INT64_MIN, -dtypes.INT64_MIN
_ARRAY_TYPES = frozenset((np.ndarray, np.float32, np.float64))
_ND, _F32, _F64 = np.ndarray, np.float32, np.float64
_NUMBER_TYPES = frozenset((float, int))


def _elementwise_dtype(datas):
    """PyTorch's result dtype where it may differ from what numpy computed; None when numpy already agrees."""
    first = datas[0]
    t1 = type(first)
    if len(datas) == 2:
        second = datas[1]
        t2 = type(second)
        if t1 in _ARRAY_TYPES:
            if t2 in _ARRAY_TYPES:
                if first.dtype == second.dtype:
                    return None
            elif t2 in _NUMBER_TYPES and first.dtype.kind == "f":  # int * 1.5: float32 here, float64 in numpy
                return None
        elif t2 in _ARRAY_TYPES and t1 in _NUMBER_TYPES and second.dtype.kind == "f":
            return None
    elif len(datas) == 1 and t1 in _ARRAY_TYPES:
        return None
    return dtypes.result_np_dtype(datas)


# spec.plans: {bit mask of the inputs that need grad -> (node class, ((name, where), ...))}: what to save,
# worked out once per op and mask instead of on every call. `where` is an input position, -1 the result, -2
# extras.


def _plan(spec, mask):
    needs = tuple(bool(mask >> i & 1) for i in range(len(spec.inputs)))
    steps = []
    for name in spec.saved_names(needs):
        if name == "result":
            steps.append((name, -1))
        elif name in spec.extra_saves:
            steps.append((name, -2))
        else:
            steps.append((name, spec.inputs.index(name)))
    plan = (node_class(spec.grad_fn), tuple(steps))
    spec.plans[mask] = plan
    return plan


def _attach(spec, inputs, node_attrs, result, extras) -> None:
    n = len(inputs)
    if n == 1 and type(inputs[0]) is Tensor:  # the caller saw it require grad
        xt = inputs[0]
        fn = xt._grad_fn
        nexts = (fn if fn is not None else accumulator_for(xt),)
        mask = 1
    elif n == 2:  # the loop below, written out (xt, yt: the operands once known to be tensors)
        x, y = inputs
        first = None
        mask = 0
        if type(x) is Tensor or isinstance(x, Tensor):
            xt = x
            if xt._requires_grad:
                fn = xt._grad_fn
                first = fn if fn is not None else accumulator_for(xt)
                mask = 1
        nexts = (first, None)
        if type(y) is Tensor or isinstance(y, Tensor):
            yt = y
            if yt._requires_grad:
                fn = yt._grad_fn
                nexts = (first, fn if fn is not None else accumulator_for(yt))
                mask |= 2
    else:
        edges = []
        mask = 0
        bit = 1
        for x in inputs:
            if isinstance(x, Tensor) and x._requires_grad:
                fn = x._grad_fn
                edges.append(fn if fn is not None else accumulator_for(x))
                mask |= bit
            else:
                edges.append(None)
            bit <<= 1
        nexts = tuple(edges)
    plan = spec.plans.get(mask)
    if plan is None:
        plan = _plan(spec, mask)
    # the node is built here rather than by nodes.new_node: each attribute set once, on the hottest path
    node = _new_node(plan[0])
    node._seq = _next_seq()
    node._op = spec
    node._next = nexts
    node._inputs = inputs
    node._attrs = node_attrs
    steps = plan[1]
    if steps:
        saved = {}
        versions = None
        for name, where in steps:
            if where >= 0:
                value = inputs[where]
                saved[name] = value
                if isinstance(value, Tensor):
                    if versions is None or versions is _OUTPUT_ONLY:
                        versions = {}
                    versions[name] = value._vbox[0]
            elif where == -1:
                out = _new_object(_SavedOutput)
                out.data = result._data
                out.vbox = vbox = result._vbox
                out.version = vbox[0]
                saved[name] = out
                if versions is None:
                    versions = _OUTPUT_ONLY
            else:
                saved[name] = extras[name]
        node._saved = saved
        # None when nothing saved needs unpacking (no tensor, no output): backward passes `saved` as it is
        node._saved_versions = versions
    else:
        node._saved = _EMPTY
        node._saved_versions = None
    if CAPTURE[0] is not None:  # (a viewer will show this node's output)
        node._out_ref = weakref.ref(result)
    result._grad_fn = node


_OUTPUT_ONLY: dict = {}  # _saved_versions of a node that saved its output and no input tensor (never written)
_new_object = object.__new__
_new_node = Node.__new__


class _SavedOutput:
    """An op's own output kept for backward: the array and its version counter, not the Tensor (that would
    make the cycle output -> grad_fn -> output)."""

    __slots__ = ("data", "vbox", "version")

    def __init__(self, data, vbox):
        self.data, self.vbox, self.version = data, vbox, vbox[0]


def as_constant(value) -> Tensor:
    """A tensor that needs no gradient, from an array or a Tensor (used by VJP rules under create_graph)."""
    if isinstance(value, Tensor):
        return value
    return _make(np.asarray(value))


from . import tensor_methods  # noqa: E402, F401  (adds the operator and math methods to Tensor)
