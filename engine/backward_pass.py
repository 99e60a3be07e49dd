"""The backward pass: one loop that runs a graph from its roots to its leaves, in PyTorch's order.

1. Count, for every node below the roots, how many edges lead into it (iteratively: deep graphs are fine).
2. Start from the roots with their gradients. A node is ready once every edge into it has delivered its
   gradient; ready nodes run highest sequence number first (the most recent op first), AccumulateGrad as
   soon as it is ready: PyTorch's order, so gradients are summed in PyTorch's order too.
3. Running a node: its derivatives (the registry's VJPs) turn the gradient of its output into one gradient
   per input; each is reduced to its input's shape (undoing broadcasting, here and nowhere else) and added to
   what that input's node has received so far.
4. AccumulateGrad adds what reached a leaf into `.grad` (autograd.grad captures it instead).

Gradients are tensors. Grad mode is on during the pass only with `create_graph=True`: the VJPs' own ops then
record a graph, which can be differentiated again.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools

import numpy as np

from . import backward_trace, dtypes
from .grad_mode import set_grad_enabled
from .node import BACKWARD_TWICE, AccumulateGrad, SavedTensor, accumulator_for
from .ops import COPY
from .tensor import Tensor, wrap


def run_backward(roots, root_grads, *, retain_graph, create_graph, inputs=None, allow_unused=False,
                 accumulate=True, kind="backward"):
    """Back-propagate `root_grads` (tensors) from `roots`. With `inputs`, return their gradients
    (autograd.grad; or backward's `inputs=`, which accumulates into those leaves only)."""
    root_nodes = []
    for i, t in enumerate(roots):
        if t._grad_fn is not None:
            root_nodes.append(t._grad_fn)
        elif t._requires_grad:
            root_nodes.append(accumulator_for(t))
        else:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")

    # node -> (position in `inputs`, output number) of the inputs whose gradient is the one reaching it
    captured_at: dict = {}
    if inputs is not None:
        for i, x in enumerate(inputs):
            if not x._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            node = x._grad_fn if x._grad_fn is not None else accumulator_for(x)
            captured_at.setdefault(node, []).append((i, x._output_nr))
    captured = [None] * (0 if inputs is None else len(inputs))

    dependencies = count_dependencies(root_nodes)
    needed = None if inputs is None else nodes_leading_to(dependencies, captured_at)
    received: dict = {}  # node -> the sum of the gradients that reached it so far (per output, for several)
    for node, root, g in zip(root_nodes, roots, root_grads):
        _receive(received, node, root._output_nr, g)
    ready = [(priority(node), node) for node in dict.fromkeys(root_nodes) if not dependencies[node]]
    heapq.heapify(ready)

    recorder = backward_trace.ACTIVE[0]
    trace = None if recorder is None else recorder.begin(kind, roots, root_nodes, create_graph, retain_graph)
    with set_grad_enabled(create_graph):
        while ready:
            node = heapq.heappop(ready)[1]
            grad = received.pop(node)
            if node._outputs is not None:
                grad = _several(node, grad, create_graph, trace)
            else:
                output = node._out_ref()
                if node._pre_hooks or (output is not None and (output._hooks or output._retains_grad)):
                    grad = _hooks_and_retain_grad(node, output, grad, create_graph, trace)
            if captured_at and node in captured_at:
                for i, number in captured_at[node]:
                    captured[i] = grad if node._outputs is None else grad[number]
            if type(node) is AccumulateGrad:
                if trace is not None and node in captured_at:
                    trace.capture(node, grad)
                if accumulate and (inputs is None or node in captured_at):
                    _accumulate(node.variable, grad, create_graph, node, trace)
                continue
            if not accumulate and not any(n in needed for n in node._next if n is not None):
                if trace is not None and node in captured_at:  # (an input of autograd.grad: it stops here)
                    trace.capture(node, grad)
                continue
            grads_out = _run_node(node, grad, create_graph, needed)
            if node._hooks:
                grads_out = _node_hooks(node, grads_out, grad)
            for nxt, number, g in zip(node._next, node._next_nr or _ZEROS, grads_out):
                if g is None:
                    continue
                _receive(received, nxt, number, g)
                dependencies[nxt] -= 1
                if not dependencies[nxt]:
                    heapq.heappush(ready, (priority(nxt), nxt))
            if trace is not None:
                trace.run(node, grad, grads_out)
            if not retain_graph and node._saved:
                node._saved = None  # what the op saved is freed: a second backward through it fails

    if inputs is None:
        return None
    results = []
    for i, g in enumerate(captured):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior.")
        results.append(None if g is None else g if create_graph else _own_copy(g))
    return tuple(results)


def _receive(received: dict, node, number: int, g) -> None:
    """Add gradient g to what `node` received so far (at its output `number`, for a node with several)."""
    if node._outputs is None:
        received[node] = g if node not in received else received[node] + g
        return
    slots = received.get(node)
    if slots is None:
        slots = received[node] = [None] * len(node._outputs)
    slots[number] = g if slots[number] is None else slots[number] + g


_ZEROS = itertools.repeat(0)


def _several(node, slots: list, create_graph, trace) -> tuple:
    """The gradients of a node with several outputs: zeros for an output no gradient reached (PyTorch's
    materialised gradients), each through its output's hooks, then the node's pre-hooks."""
    grads = []
    for meta, g in zip(node._outputs, slots):
        if g is None:
            g = wrap(np.zeros(meta.shape, meta.dtype))
        output = meta.ref()
        if output is not None and (output._hooks or output._retains_grad):
            g = _hooks_and_retain_grad(node, output, g, create_graph, trace, pre_hooks=False)
        grads.append(g)
    grads = tuple(grads)
    for hook in list(node._pre_hooks or ()):
        new = hook(grads)
        if new is not None:
            grads = _checked_replacements(hook, new, grads)
    return grads


def _run_node(node, grad, create_graph, needed) -> list:
    """The node's derivatives: one gradient per input, reduced to the input's shape and dtype (None where no
    gradient is wanted)."""
    op = node._op
    values = _formula_values(node, create_graph)
    # the registry's derivatives give inf and nan silently, as PyTorch's do; a custom Function's backward is the
    # program's own code, where numpy warns as it does anywhere
    quiet = contextlib.nullcontext() if op.user_defined else np.errstate(all="ignore")
    grads_out = []
    with quiet:
        for i, nxt in enumerate(node._next):
            if nxt is None or (needed is not None and nxt not in needed):
                grads_out.append(None)
                continue
            derivative = op.derivatives[i]
            if derivative is None:
                raise RuntimeError(op.not_implemented.get(op.inputs[i], "the derivative is not implemented"))
            g = derivative(grad, values)
            x = node._inputs[i]._data
            if g._data.shape != x.shape:
                g = sum_to(g, x.shape)
            if g._data.dtype is not x.dtype and g._data.dtype != x.dtype:
                g = g.to(dtypes.from_numpy_dtype(x.dtype))
            grads_out.append(g)
    return grads_out


def _formula_values(node, create_graph) -> dict:
    """What the node's derivative formulas may read, by name: the saved values (tensors unpacked, with
    PyTorch's error if one was changed in place since), input shapes, and the op's arguments."""
    saved = node._saved
    if saved is None:
        raise RuntimeError(BACKWARD_TWICE)
    values = {name: value.unpack(node, create_graph) if type(value) is SavedTensor else value
              for name, value in saved.items()}
    if node._attrs:
        values.update(node._attrs)
    for name, i in node._op.shapes_read:
        x = node._inputs[i]
        values[name] = np.shape(x._data if isinstance(x, Tensor) else x)
    return values


def sum_to(g: Tensor, shape) -> Tensor:
    """Undo broadcasting: sum `g` over the dims where `shape` is smaller, then view it as `shape`."""
    lead = g.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1)
    if dims:
        g = g.sum(dims, keepdim=True)
    return g.reshape(tuple(shape))


def _hooks_and_retain_grad(node, tensor, grad, create_graph, trace, pre_hooks=True):
    """What runs before a node with its incoming gradient: the hooks of its output tensor, that tensor's
    retain_grad, and the node's pre-hooks. Returns the gradient the node then runs with."""
    if tensor is not None:
        if tensor._hooks:
            before = grad
            for hook in list(tensor._hooks):
                new = hook(grad)
                if new is not None:
                    grad = _checked_replacement(hook, new, grad)
            if trace is not None:
                trace.hook(node, tensor, before, grad)
        if tensor._retains_grad and type(node) is not AccumulateGrad:
            if create_graph:
                tensor._grad = grad if tensor._grad is None else tensor._grad + grad
            elif tensor._grad is None:
                tensor._grad = _own_copy(grad)
            else:
                with np.errstate(all="ignore"):
                    tensor._grad = wrap(tensor._grad._data + grad._data)
            if trace is not None:
                trace.retain(node, tensor, grad)
    if pre_hooks and node._pre_hooks:
        for hook in list(node._pre_hooks):
            new = hook((grad,))
            if new is not None:
                grad = _checked_replacements(hook, new, (grad,))[0]
    return grad


def _node_hooks(node, grads_out, grad) -> list:
    """A node's hooks, after it ran: hook(grad_inputs, grad_outputs) may return replacement grad_inputs."""
    for hook in list(node._hooks):
        new = hook(tuple(grads_out), (grad,))
        if new is not None:
            grads_out = list(_checked_replacements(hook, new, grads_out))
    return grads_out


def _checked_replacements(hook, new, old) -> tuple:
    """What a hook returned for a tuple of gradients, with PyTorch's errors for the wrong count, a value
    where there was None, or a value of another size or type."""
    if not isinstance(new, (tuple, list)):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != len(old):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of values (got {len(new)}, "
                           f"but expected {len(old)})")
    out = []
    for value, before in zip(new, old):
        if before is None:
            if value is not None:
                raise RuntimeError("can't replace a None gradient with a non-None value")
            out.append(None)
        else:
            out.append(before if value is None else _checked_replacement(hook, value, before))
    return tuple(out)


def _checked_replacement(hook, new, old) -> Tensor:
    """What a tensor hook returned, with PyTorch's errors for another type, size or dtype."""
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new._data.shape != old._data.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value")
    if new._data.dtype != old._data.dtype:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value (was "
                           f"torch.{old.dtype.legacy_name} got torch.{new.dtype.legacy_name})")
    return new


def _hook_name(hook) -> str:
    return getattr(hook, "__name__", type(hook).__name__)


def _accumulate(variable, grad, create_graph, node, trace) -> None:
    """`variable.grad += grad`, as AccumulateGrad does it."""
    before = None if trace is None or variable._grad is None else variable._grad._data.copy()
    held = variable._grad
    if create_graph:
        # the first gradient is copied in through a node of its own (CopyBackwards), later ones added
        variable._grad = COPY(wrap(np.empty_like(grad._data)), grad) if held is None else held + grad
    elif held is None:
        variable._grad = _own_copy(grad)
    elif held._grad_fn is None and held._data.flags.writeable:
        # in place, as PyTorch does: a reference someone holds to .grad sees the sum
        with np.errstate(all="ignore"):
            np.add(held._data, grad._data, out=held._data)
        held._bump_version()
    else:
        with np.errstate(all="ignore"):
            variable._grad = wrap(held._data + grad._data)
    if trace is not None:
        trace.accumulate(node, variable, before, grad, variable._grad._data)


def _own_copy(g: Tensor) -> Tensor:
    """A gradient in an array of its own (gradients may be views of others, or of read-only broadcasts)."""
    return wrap(np.array(g._data, copy=True))


def count_dependencies(root_nodes) -> dict:
    """{node: how many edges of the graph below the roots lead into it}, found iteratively."""
    dependencies: dict = dict.fromkeys(root_nodes, 0)
    stack = list(root_nodes)
    while stack:
        node = stack.pop()
        for nxt in node._next:
            if nxt is None:
                continue
            if nxt in dependencies:
                dependencies[nxt] += 1
            else:
                dependencies[nxt] = 1
                stack.append(nxt)
    return dependencies


def nodes_leading_to(order, targets) -> set:
    """The nodes on some path to a target (autograd.grad runs only these, as PyTorch does)."""
    needed = set(targets)
    changed = True
    # `order` lists every node after one that uses it; sweeping it backwards until nothing changes settles any
    # graph in a few sweeps
    while changed:
        changed = False
        for node in reversed(order):
            if node not in needed and any(n in needed for n in node._next if n is not None):
                needed.add(node)
                changed = True
    return needed


# Ready nodes run highest sequence number first; AccumulateGrad as soon as it is ready (PyTorch gives it the
# largest sequence number), several ready ones oldest first. Keys are unique, so the heap never compares nodes.
_ACCUMULATE_FIRST = 1 << 62


def priority(node) -> int:
    return node._seq - _ACCUMULATE_FIRST if type(node) is AccumulateGrad else -node._seq
