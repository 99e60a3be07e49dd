"""The registry's data types: `Op` (one entry), `Derivative` (one input's VJP), `define` and `vjp`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..apply import apply
from ..node import node_class


@dataclass(frozen=True)
class Derivative:
    """One input's VJP: its formula as text and LaTeX (shown by the step-through), and the function."""

    text: str  # the right-hand side, e.g. "grad * other"
    latex: str  # the whole equation, e.g. r"\bar x = \bar r \cdot y"
    fn: Callable
    params: tuple[str, ...] = ()  # what fn reads besides the gradient, by name
    defaults: tuple = ()  # each parameter's default (REQUIRED: none)

    def __call__(self, grad, values: dict):
        """fn(grad, ...) with each parameter taken from `values` by name (a parameter missing there keeps
        its default: an optional argument of the op that the call left out)."""
        return self.fn(grad, *[values.get(name, default) for name, default in zip(self.params, self.defaults)])


REQUIRED = inspect.Parameter.empty


def vjp(text: str, latex: str, fn: Callable) -> Derivative:
    params = list(inspect.signature(fn).parameters.values())[1:]
    return Derivative(text, latex, fn, tuple(p.name for p in params), tuple(p.default for p in params))


@dataclass(frozen=True, eq=False)
class Op:
    name: str  # the registry's key, e.g. "mul"
    grad_fn: str  # PyTorch's node class, e.g. "MulBackward0"
    forward: Callable  # numpy arrays (and the op's non-tensor arguments) -> numpy array
    inputs: tuple[str, ...]  # differentiable inputs, in next_functions order
    derivatives: tuple[Derivative | None, ...]  # one per input; None where PyTorch has no derivative
    formula: str  # the forward as text, e.g. "result = self * other"
    latex: str
    elementwise: bool = False  # broadcasting, with PyTorch's type promotion of the result
    view: bool = False  # the result shares its first input's storage (and version counter)
    extra_outputs: tuple[str, ...] = ()  # outputs besides the result that a derivative may read ("indices")
    several_outputs: bool = False  # the forward returns a tuple of results (split), each with this node
    not_implemented: dict = field(default_factory=dict)  # input name -> PyTorch's message
    node_type: type | None = None  # the nodes' class where it is not the registry's own (custom Functions)
    source: str | None = None  # the code the user wrote, for ops the user wrote (custom Functions)
    _plans: dict = field(default_factory=dict, repr=False)

    def __call__(self, *inputs, **attrs):
        """Run the op (what derivative formulas do to call another op of the registry)."""
        return apply(self, *inputs, **attrs)

    @property
    def user_defined(self) -> bool:
        """Whether a program defined the op (a custom autograd.Function): its backward is the program's code."""
        return self.node_type is not None

    @cached_property
    def node_class(self) -> type:
        """The class of this op's nodes, named as PyTorch names it (`MulBackward0`)."""
        return self.node_type or node_class(self.grad_fn)

    @cached_property
    def shapes_read(self) -> tuple[tuple[str, int], ...]:
        """("self_shape", 0), ...: the input shapes the derivatives read, and the inputs' positions."""
        read = {p for d in self.derivatives if d is not None for p in d.params}
        return tuple((f"{name}_shape", i) for i, name in enumerate(self.inputs) if f"{name}_shape" in read)

    @property
    def saves(self) -> tuple[tuple[str, ...], ...]:
        """Per input: the saved values its VJP reads (inputs, the result, extra outputs)."""
        kept = set(self.inputs) | {"result"} | set(self.extra_outputs)
        return tuple(() if d is None else tuple(p for p in d.params if p in kept) for d in self.derivatives)

    def save_plan(self, needs: int) -> tuple[tuple[str, int | str], ...]:
        """What a node keeps when the inputs whose bits are set in `needs` want a gradient (PyTorch saves
        nothing more): (name, where) pairs, where is an input's position, "result" or "extra". Worked out
        once per op and set of inputs."""
        plan = self._plans.get(needs)
        if plan is None:
            names = []
            for i, wanted in enumerate(self.saves):
                if needs >> i & 1:
                    names.extend(n for n in wanted if n not in names)
            plan = self._plans[needs] = tuple(
                (n, "result" if n == "result" else "extra" if n in self.extra_outputs else self.inputs.index(n))
                for n in names)
        return plan

    @property
    def vjps(self) -> tuple[Derivative | None, ...]:
        return self.derivatives

    @property
    def backward_formulas(self) -> tuple[str, ...]:
        return tuple(f"grad_{name} = {'not implemented' if d is None else d.text}"
                     for name, d in zip(self.inputs, self.derivatives))

    @property
    def backward_latex(self) -> tuple[str, ...]:
        return tuple(r"\text{not implemented}" if d is None else d.latex for d in self.derivatives)


REGISTRY: dict[str, Op] = {}


def define(name: str, grad_fn: str, *, forward: Callable, formula: tuple[str, str], elementwise: bool = False,
           view: bool = False, extra_outputs: tuple[str, ...] = (), several_outputs: bool = False,
           not_implemented: dict | None = None, **derivatives: Derivative | None) -> Op:
    """Register an op. Each keyword after the fixed ones names a differentiable input, in order, with its
    derivative (for an op with several outputs, its `grad` is the tuple of their gradients)."""
    op = Op(name, grad_fn, forward, tuple(derivatives), tuple(derivatives.values()), formula[0], formula[1],
            elementwise, view, tuple(extra_outputs), several_outputs, dict(not_implemented or {}))
    REGISTRY[name] = op
    return op
