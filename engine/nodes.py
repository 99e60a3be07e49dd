"""Graph nodes: the objects PyTorch exposes as `grad_fn` and in `next_functions`.

A node holds its ordered inputs (`_next`, shown as `next_functions`), a stable id (`_seq`, PyTorch's sequence
number), the op it came from, what that op saved for backward, and (where asked) a weak reference to its
output. Nothing in a node points back to itself through its output, so graphs are freed by reference counting
alone (no cycle collector runs).
"""

from __future__ import annotations

import itertools
import weakref

_next_seq = itertools.count().__next__
# Set once any hook or retain_grad is registered in this process (tensor or node): until then a backward pass
# skips looking for them on every node, as the trace costs nothing when no recorder is active.
HOOKED = [False]


class Node:
    # As in Tensor: slots for what every node sets, class-level defaults for what few nodes ever change.
    __slots__ = ("__dict__", "__weakref__", "_attrs", "_inputs", "_next", "_op", "_saved", "_saved_versions",
                 "_seq")
    _hooks = None
    _pre_hooks = None
    # A weak reference to the output, set only where something will look for it (graph.capture(), a hook or
    # retain_grad on the output, an in-place op): making one for every node costs the hot path a tenth of its
    # time. Called like a weak reference; None when unknown or freed.
    _out_ref = staticmethod(lambda: None)

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self) -> tuple:
        """PyTorch's ((node or None, output number), ...), one per input; the engine keeps the nodes alone in
        `_next` (a tuple fewer per edge on the hot path)."""
        return tuple((fn, 0) for fn in self._next)

    @property
    def _released(self) -> bool:
        """Whether a backward pass freed what the op saved (AccumulateGrad saves nothing: never)."""
        return self._saved is None and self._op is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # PyTorch exposes saved values as `_saved_<name>` attributes; the viewer reads them through this.
    def saved_values(self) -> dict:
        return {} if self._saved is None else dict(self._saved)

    @property
    def metadata(self) -> dict:
        return {}

    def _output(self):
        return self._out_ref()

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after the node runs; may return replacement grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        HOOKED[0] = True
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before the node runs; may return replacement grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        HOOKED[0] = True
        return _RemovableHandle(self._pre_hooks, fn)


class RemovableHandle:  # the name PyTorch's handle has (torch.utils.hooks.RemovableHandle)
    __slots__ = ("_fn", "_hooks_ref")

    def __init__(self, hooks: list, fn):
        self._hooks_ref, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks_ref:
            self._hooks_ref.remove(self._fn)


class AccumulateGrad(Node):
    """The sink for a leaf tensor: adds the incoming gradient into `variable.grad`."""

    __slots__ = ("variable",)  # (a slot: a new leaf's node in every step of a loop is made without a __dict__)

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


_classes: dict[str, type] = {}


def node_class(grad_fn_name: str) -> type:
    """One Python class per PyTorch grad_fn name, so `type(z.grad_fn).__name__` reads `AddBackward0`."""
    cls = _classes.get(grad_fn_name)
    if cls is None:
        cls = type(grad_fn_name, (Node,), {"__slots__": ()})
        if grad_fn_name == "CopySlices":
            cls.name = lambda self: "torch::autograd::CopySlices"
        _classes[grad_fn_name] = cls
    return cls


_new_object = Node.__new__  # (object.__new__ where Node is a plain class; its own when compiled as an extension type)


def new_node(cls, op, next_nodes, inputs, attrs) -> Node:
    node = _new_object(cls)
    node._seq = _next_seq()
    node._op = op
    node._next = next_nodes
    node._inputs = inputs
    node._attrs = attrs
    node._saved_versions = None
    return node


def link_output(tensor) -> None:
    """Let the tensor's grad_fn find it (for its hooks, retain_grad and the graph views)."""
    fn = tensor._grad_fn
    if fn is not None and fn._out_ref() is not tensor:
        fn._out_ref = weakref.ref(tensor)


def accumulator_for(tensor) -> AccumulateGrad:
    """The leaf's AccumulateGrad, created once and shared while any graph holds it (PyTorch keeps it weakly)."""
    ref = tensor._acc
    acc = None if ref is None else ref()
    if acc is None:
        acc = new_node(AccumulateGrad, None, (), (tensor,), {})
        acc._saved = None
        acc.variable = tensor
        tensor._acc = weakref.ref(acc)
    return acc


def short_name(node) -> str:
    """`ExpBackward0` -> `Exp`, as PyTorch names a node in its version-counter error."""
    name = type(node).__name__
    i = name.find("Backward")
    return name[:i] if i > 0 else name


_RemovableHandle = RemovableHandle
