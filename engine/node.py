"""Graph nodes: the objects PyTorch exposes as `grad_fn` and in `next_functions`.

A node is made by `engine.apply.apply` for one op call. It holds the op (its registry entry), its ordered
inputs, one edge per input (`next_functions`: the input's own grad_fn, a leaf's AccumulateGrad, or None where
no gradient is wanted), the op's non-tensor arguments, what the op's derivatives need saved, a stable id (the
sequence number PyTorch orders the backward pass by) and a weak reference to its output. Nothing in a node
points back to itself, so graphs are freed by reference counting alone.
"""

from __future__ import annotations

import inspect
import itertools
import weakref
from typing import NamedTuple

import numpy as np

from .tensor import RemovableHandle, Tensor, wrap

next_sequence_number = itertools.count().__next__

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}  # how PyTorch stores a loss's reduction argument
BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward.")


class ModuleCall(NamedTuple):
    """An nn.Module call under way: the module's path in the outermost module called ("fc1", "layers.0"; ""
    for that one), its class name and its settings (`extra_repr`)."""

    path: str
    kind: str
    settings: str


# The module calls under way, innermost last (nn.Module.__call__ pushes and pops). A node made meanwhile
# remembers the innermost, so that a viewer can fold a layer's nodes into one box named by its attribute.
MODULE_CALLS: list[ModuleCall] = []


class Node:
    __slots__ = ("__weakref__", "_attrs", "_hooks", "_inputs", "_module", "_next", "_next_nr", "_op", "_out_ref",
                 "_outputs", "_pre_hooks", "_saved", "_seq")

    def __init__(self, op, inputs: tuple, attrs: dict, result, extras: dict | None):
        """`result`: the op's output tensor, or a tuple of them for an op with several (split's pieces)."""
        self._seq = next_sequence_number()
        self._op = op
        self._inputs = inputs
        self._attrs = attrs
        if isinstance(result, tuple):
            self._outputs = tuple(OutputMeta(t) for t in result)
            result = result[0]
        else:
            self._outputs = None
        self._out_ref = weakref.ref(result)
        self._hooks = self._pre_hooks = None
        self._module = MODULE_CALLS[-1] if MODULE_CALLS else None
        # one edge per input: where its gradient goes (its grad_fn, a leaf's AccumulateGrad), or None
        edges = []
        numbers = []  # which output of that node the input is (nearly always 0)
        needs = 0  # a bit per input that wants a gradient
        for i, x in enumerate(inputs):
            if isinstance(x, Tensor) and x._requires_grad:
                edges.append(x._grad_fn if x._grad_fn is not None else accumulator_for(x))
                numbers.append(x._output_nr)
                needs |= 1 << i
            else:
                edges.append(None)
                numbers.append(0)
        self._next = tuple(edges)
        self._next_nr = tuple(numbers) if any(numbers) else None
        saved = {}
        for name, where in op.save_plan(needs):  # what this node's derivatives will read
            if where == "result":
                saved[name] = SavedTensor(result, is_output=True)
            elif where == "extra":
                saved[name] = extras[name]
            else:
                value = inputs[where]
                saved[name] = SavedTensor(value) if isinstance(value, Tensor) else value
        self._saved = saved

    # ---------------------------------------------------------------- what PyTorch shows of a node
    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """((node or None, output number), ...), one pair per input."""
        numbers = self._next_nr or (0,) * len(self._next)
        return tuple(zip(self._next, numbers))

    @property
    def metadata(self) -> dict:
        return {}

    def _sequence_nr(self) -> int:
        return self._seq

    def __repr__(self) -> str:
        cls = type(self)
        name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"
        return f"<{name} object at {hex(id(self))}>"

    def __getattr__(self, name: str):
        if name.startswith("_saved_") and self._op is not None:
            found, value = self._saved_attribute(name[len("_saved_"):])
            if found:
                return value
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _saved_attribute(self, key: str) -> tuple[bool, object]:
        """PyTorch's `_saved_<name>`: a saved tensor (None where the formulas did not need it), an argument of
        the op, or an input's shape (`_saved_self_sym_sizes`). (False, None) where the op has no such name."""
        op = self._op
        needs = sum(1 << i for i, edge in enumerate(self._next) if edge is not None)
        if key in (name for name, _ in op.save_plan(needs)):
            if self._saved is None:
                raise RuntimeError(BACKWARD_TWICE)
            value = self._saved[key]
            if isinstance(value, SavedTensor):  # (the output comes back as the graph knows it, with its grad_fn)
                return True, value.unpack(self, create_graph=value.is_output)
            return True, value if isinstance(value, (Tensor, dict)) else wrap(np.asarray(value))
        if key in op.inputs or key == "result":
            return True, None
        if key.endswith("_sym_sizes") and key[: -len("_sym_sizes")] in op.inputs:
            x = self._inputs[op.inputs.index(key[: -len("_sym_sizes")])]
            return True, tuple(x.shape) if isinstance(x, Tensor) else ()
        if key in self._attrs:
            value = self._attrs[key]
            return True, _REDUCTIONS.get(value, value) if key == "reduction" else value
        for derivative in op.derivatives:  # an optional argument the call left out: its default
            if derivative is not None and key in derivative.params:
                default = derivative.defaults[derivative.params.index(key)]
                if default is not inspect.Parameter.empty:
                    return True, default
        return False, None

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after the node runs; may return replacement grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before the node runs; may return replacement grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return RemovableHandle(self._pre_hooks, fn)

    # ---------------------------------------------------------------- what the backward pass and viewers use
    def output(self, number: int = 0) -> Tensor | None:
        """The tensor this node made (its output `number`, for an op with several), while it is alive."""
        return self._out_ref() if self._outputs is None or number == 0 else self._outputs[number].ref()

    @property
    def output_count(self) -> int:
        return 1 if self._outputs is None else len(self._outputs)

    @property
    def released(self) -> bool:
        """Whether a backward pass freed what the op saved."""
        return self._saved is None

    def saved_values(self) -> dict:
        """{name: value} of what the op saved (tensors as their arrays), for viewers."""
        out = {}
        for name, value in (self._saved or {}).items():
            out[name] = value.data if isinstance(value, SavedTensor) else value
        return out

    def saved_versions(self) -> dict:
        """{name: (version when saved, version now)} of the saved tensors: where they differ, an in-place change
        since the forward makes backward fail (PyTorch's 'modified by an inplace operation')."""
        return {name: (value.version, value.counter.value) for name, value in (self._saved or {}).items()
                if isinstance(value, SavedTensor)}


class OutputMeta:
    """One output of a node with several: a weak reference to it, and its shape and dtype (a gradient that
    never reached it is zeros of that shape)."""

    __slots__ = ("dtype", "ref", "shape")

    def __init__(self, tensor: Tensor):
        self.ref, self.shape, self.dtype = weakref.ref(tensor), tensor._data.shape, tensor._data.dtype


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor):
        self._seq = next_sequence_number()
        self._op = None
        self._inputs = (variable,)
        self._attrs = {}
        self._next = ()
        self._saved = {}
        self._out_ref = weakref.ref(variable)
        self._outputs = None
        self._next_nr = None
        self._hooks = self._pre_hooks = None
        self._module = None
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def released(self) -> bool:
        return False


AccumulateGrad.__module__ = "builtins"  # (type(node) prints <class 'AccumulateGrad'>, as in PyTorch)


def accumulator_for(tensor: Tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad, made once and shared while any graph holds it (PyTorch keeps it weakly)."""
    ref = tensor._accumulator
    acc = None if ref is None else ref()
    if acc is None:
        acc = AccumulateGrad(tensor)
        tensor._accumulator = weakref.ref(acc)
    return acc


class SavedTensor:
    """A tensor kept for backward, with the version its storage had then. An op's own output keeps its array
    and version counter instead of the tensor (output -> grad_fn -> output would be a reference cycle)."""

    __slots__ = ("counter", "data", "is_output", "tensor", "version")

    def __init__(self, tensor: Tensor, is_output: bool = False):
        self.is_output = is_output
        self.tensor = None if is_output else tensor
        self.data = tensor._data
        self.counter = tensor._version_counter
        self.version = self.counter.value

    def unpack(self, node: Node, create_graph: bool) -> Tensor:
        """The saved tensor for a derivative formula; PyTorch's error if it was changed in place since."""
        if self.counter.value != self.version:
            raise RuntimeError(self._modified_message(node))
        if not self.is_output:
            return self.tensor
        out = wrap(self.data)
        out._version_counter = self.counter
        if create_graph:  # the output, as the graph knows it: its gradient flows back through this node
            out._requires_grad, out._grad_fn = True, node
        return out

    def _modified_message(self, node: Node) -> str:
        owner = node if self.is_output else self.tensor._grad_fn
        made_by = "" if owner is None else f", which is output 0 of {short_name(owner)},"
        legacy = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor"}.get(
            self.data.dtype.name, "Tensor")
        return ("one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"[torch.{legacy} [{', '.join(map(str, self.data.shape))}]]{made_by} is at version "
                f"{self.counter.value}; expected version {self.version} instead. Hint: enable anomaly detection "
                "to find the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).")


_classes: dict[str, type] = {}


def node_class(grad_fn_name: str) -> type:
    """One Python class per PyTorch grad_fn name, so `type(z.grad_fn).__name__` reads `AddBackward0`."""
    cls = _classes.get(grad_fn_name)
    if cls is None:
        body = {"__slots__": ()}
        if grad_fn_name in ("CopySlices", "Error"):  # (nodes of PyTorch's autograd itself, not of an op)
            body["name"] = lambda self: f"torch::autograd::{grad_fn_name}"
        # (type(node) prints as PyTorch's does: <class 'MulBackward0'>)
        cls = _classes[grad_fn_name] = type(grad_fn_name, (Node,), {**body, "__module__": "builtins"})
    return cls


def short_name(node: Node) -> str:
    """`ExpBackward0` -> `Exp`, as PyTorch names a node in its version-counter error."""
    name = type(node).__name__
    i = name.find("Backward")
    return name[:i] if i > 0 else name
