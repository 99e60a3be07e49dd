"""`torch.autograd.Function`: an op whose forward and backward the user writes.

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * (x > 0)

    y = MyReLU.apply(x)        # y.grad_fn is a MyReLUBackward node

`apply` runs through the engine's one `apply` with an op made for the class: its forward calls the user's
(grad mode off, on the inputs' data), its derivative for each input calls the user's backward (once per node,
whatever the number of inputs) and checks what it returns as PyTorch does.
"""

from __future__ import annotations

import functools
import inspect

from ..apply import apply
from ..grad_mode import is_grad_enabled, no_grad
from ..node import Node, SavedTensor
from ..ops import Op, delayed_error_op, vjp
from ..tensor import Tensor


class FunctionCtx:
    """What forward(ctx, ...) hands to backward(ctx, ...): saved tensors, which inputs need a gradient, and
    the outputs marked as not differentiable. A custom Function's node reads its attributes from here too
    (`y.grad_fn.saved_tensors`, `y.grad_fn.needs_input_grad`), as PyTorch's node is its ctx."""

    def __init__(self, function: type, args: tuple):
        self._function = function
        self._args = args
        self._tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        self.materialize_grads = True
        self._saved: tuple = ()
        self._non_differentiable: set = set()
        self._gradients = None  # (the incoming gradient, what backward returned for it)

    def save_for_backward(self, *tensors) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument 0 is of type "
                                f"{type(t).__name__}")
        # an input comes back as the input itself (not the detached copy forward computed with), so that a
        # backward with create_graph=True differentiates through it
        originals = {id(copy): original for copy, original in getattr(self, "_input_copies", ())}
        self._saved = tuple(None if t is None else SavedTensor(originals.get(id(t), t)) for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        return tuple(None if s is None else s.unpack(None, create_graph=False) for s in self._saved)

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        """Accepted for in-place forwards (the engine's result is a new tensor either way)."""

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    # ---------------------------------------------------------------- what the engine calls
    def _run_forward(self) -> tuple:
        """The user's forward on its arguments (tensors detached: grad mode is off in there, as in PyTorch);
        its outputs as a tuple, and whether it returned one tensor or several."""
        inputs = []
        copies = []
        for a in self._args:
            if isinstance(a, Tensor):
                copy = a.detach()
                copies.append((copy, a))
                inputs.append(copy)
            else:
                inputs.append(a)
        self._input_copies = copies
        with no_grad():
            output = self._function.forward(self, *inputs)
        outputs = output if isinstance(output, tuple) else (output,)
        for value in outputs:
            if not isinstance(value, Tensor):
                raise TypeError(f"{self._function.__name__}.forward must return a Tensor or a tuple of Tensors, "
                                f"not {type(value).__name__}")
        self._outputs = outputs
        return outputs, isinstance(output, tuple)

    def _gradient_for(self, tensor_index: int, grad):
        """backward's gradient for the node's input `tensor_index` (the tensor arguments, in order): backward
        runs once for the node, for the first input asked. `grad`: the output's gradient, or a tuple of them."""
        if self._gradients is None or self._gradients[0] is not grad:
            name = f"{self._function.__name__}Backward"
            grads = grad if isinstance(grad, tuple) else (grad,)
            result = self._function.backward(self, *grads)  # (grad mode as the pass set it: on for create_graph)
            result = result if isinstance(result, tuple) else (result,)
            if len(result) > len(self._args) and all(g is None for g in result[len(self._args):]):
                result = result[:len(self._args)]  # (PyTorch drops extra None gradients)
            if len(result) != len(self._args):
                raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected "
                                   f"{len(self._args)}, got {len(result)})")
            for i, g in enumerate(result):
                if g is None:
                    continue
                if not isinstance(g, Tensor):
                    raise TypeError(f"function {name} returned a gradient of type {type(g).__name__} at index {i}")
                want = self._args[i].shape if isinstance(self._args[i], Tensor) else ()
                if tuple(g.shape) != tuple(want):
                    raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got "
                                       f"{list(g.shape)} but expected shape compatible with {list(want)}")
            self._gradients = (grad, result)
        index = self._tensor_positions[tensor_index]
        gradient = self._gradients[1][index]
        if gradient is None:  # (PyTorch passes on zeros where backward returned None for an input that wants one)
            gradient = self._args[index].new_zeros(self._args[index].shape)
        return gradient


class FunctionMeta(type):
    """The type of custom Function classes (PyTorch's name)."""


class Function(metaclass=FunctionMeta):
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grads)`, and call `Subclass.apply`."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{cls.__name__}.apply() takes positional arguments only")
        if cls.forward is Function.forward:
            raise NotImplementedError("You must implement the forward function for custom autograd.Function.")
        ctx = FunctionCtx(cls, args)
        outputs, several = ctx._run_forward()
        # the node's inputs are the tensor arguments (PyTorch's next_functions has no slot for the others)
        tensors = [args[i] for i in ctx._tensor_positions]
        results = apply(_op_for(cls, args, len(outputs) if several else 0), *tensors, ctx=ctx)
        results = results if several else (results,)
        for result, output in zip(results, outputs):
            if id(output) in ctx._non_differentiable:
                result._grad_fn = None
                result._requires_grad = False
        return results if several else results[0]


def _op_for(function: type, args: tuple, several: int) -> Op:
    """The op of a custom Function called with these arguments (made once per pattern of tensor and other
    arguments and per number of outputs, `several` (0: forward returned one tensor), kept on the class)."""
    pattern = (*(isinstance(a, Tensor) for a in args), several)
    ops = function.__dict__.get("_engine_ops")
    if ops is None:
        ops = {}
        type.__setattr__(function, "_engine_ops", ops)
    op = ops.get(pattern)
    if op is None:
        name = f"{function.__name__}Backward"
        all_names = _argument_names(function, len(args))
        names = tuple(n for n, is_tensor in zip(all_names, pattern[:-1]) if is_tensor)
        derivatives = tuple(
            vjp(f"{function.__name__}.backward(ctx, grad)[{all_names.index(n)}]",
                rf"\bar x_{{{i}}} = \text{{{function.__name__}.backward}}", _user_gradient(i))
            for i, n in enumerate(names))
        node_type = type(name, (_FunctionNode,), {"__slots__": (), "__module__": "torch.autograd.function"})
        forward = ((lambda *arrays, ctx: tuple(t._data for t in ctx._outputs)) if several else
                   (lambda *arrays, ctx: ctx._outputs[0]._data))  # (forward has run: its outputs' values)
        op = Op(function.__name__, name, forward, names, derivatives,
                f"result = {function.__name__}.forward(ctx, {', '.join(all_names)})", r"r = f(x)",
                several_outputs=bool(several), node_type=node_type, source=_source_of(function))
        ops[pattern] = op
    return op


def _source_of(function: type) -> str | None:
    """The class's code, for viewers to show as its formula (a sandbox gives its classes `__source__`)."""
    source = getattr(function, "__source__", None)
    if source is None:
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            return None
    return source


def _user_gradient(index: int):
    def derivative(grad, ctx):
        return ctx._gradient_for(index, grad)

    return derivative


def _argument_names(function: type, n_args: int) -> tuple[str, ...]:
    """The names of forward's parameters after ctx (input0, input1, ... where they cannot be read)."""
    try:
        params = [p for p in inspect.signature(function.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][1:]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n_args]]
    names += [f"input{i}" for i in range(len(names), n_args)]
    return tuple(names)


class _FunctionNode(Node):
    """A custom Function's node: PyTorch's node is also the ctx, so its attributes are the ctx's."""

    __slots__ = ()

    def __getattr__(self, name: str):
        ctx = self._attrs.get("ctx") if isinstance(self._attrs, dict) else None
        if ctx is not None and not name.startswith("__"):
            return getattr(ctx, name)
        return super().__getattr__(name)


def once_differentiable(fn):
    """Marks a custom Function's backward as one that cannot be differentiated itself, as PyTorch's decorator
    does: it runs without recording a graph, and when a graph of the backward is being recorded
    (create_graph=True) and a gradient passed to it requires grad, what it returns comes out of one Error node,
    through which a second backward fails with PyTorch's message."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            outputs = fn(ctx, *args)
        if not is_grad_enabled() or not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            return outputs
        several = isinstance(outputs, tuple)
        outputs = outputs if several else (outputs,)
        # the node's inputs are new leaves that require grad, so that its outputs have it as their grad_fn
        errors = iter(apply(delayed_error_op(len(outputs)),
                            *[None if value is None else value.detach().requires_grad_() for value in outputs]))
        results = tuple(None if value is None else next(errors) for value in outputs)
        return results if several else results[0]

    return wrapper


BackwardCFunction = _FunctionNode
FunctionCtx.__module__ = Function.__module__ = FunctionMeta.__module__ = "torch.autograd.function"
once_differentiable.__module__ = "torch.autograd.function"
