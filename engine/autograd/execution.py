"""The backward engine: runs the graph from the roots to the leaves, in PyTorch's order.

Dependencies are counted with an explicit stack (no recursion, so deep graphs are fine); ready nodes run
highest sequence number first, AccumulateGrad as soon as it is ready, which is PyTorch's order. Gradients are
reduced to each input's shape here, once, after every VJP (`sum_to`), so no rule deals with broadcasting.
"""

from __future__ import annotations

import heapq

import numpy as np

from .. import backward_trace
from ..functions import copy_of
from ..grad_mode import ENABLED
from ..nodes import HOOKED, AccumulateGrad, accumulator_for, short_name
from ..ops import ELEMENTWISE, REGISTRY, negated_grad
from ..tensor import Tensor, _make, _SavedOutput
from ..vjp_math import NUMPY, TENSOR

# numpy's types as module globals: a compiled module looks a global up from a cache, `np.ndarray` every time
_ndarray = np.ndarray

ELEMENTWISE_SPECS = frozenset(REGISTRY[name] for name in ELEMENTWISE)

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
    "you need to access saved tensors after calling backward.")
_HINT = (" Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
         "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def reduce_to(g, shape):
    """Sum `g` over the dimensions where `shape` is smaller (numpy arrays); the result broadcasts to `shape`
    but may still be smaller than it (a gradient that was never expanded)."""
    gshape = g.shape
    lead = len(gshape) - len(shape)
    axes = list(range(lead)) if lead > 0 else []
    for i, n in enumerate(shape):
        j = i + lead
        if j >= 0 and n == 1 and gshape[j] != 1:
            axes.append(j)
    if not axes:
        return g
    if len(axes) == lead:  # only leading dims (a bias): the result is the array itself, no view to copy later
        return _add_reduce(g, axis=tuple(axes))
    out = _add_reduce(g, axis=tuple(axes), keepdims=True)
    return out.reshape(out.shape[lead:]) if lead > 0 else out


_add_reduce = np.add.reduce  # np.sum's work without its Python wrapper


def _unbroadcast_inputs(node, shape) -> bool:
    """True when every tensor input of `node` has its output's shape: only then may it receive a gradient
    smaller than that shape, since its rules then never need to sum over broadcast dimensions."""
    for x in node._inputs:  # noqa: SIM110  (a loop: all() over a generator costs twice as much here)
        if isinstance(x, Tensor) and x._data.shape != shape:
            return False
    return True


def _full(g, shape):
    """A gradient kept small by the engine, expanded to the shape users see (hooks, .grad, autograd.grad)."""
    if isinstance(g, Tensor) or g.shape == shape:
        return g
    return np.broadcast_to(g, shape)


def sum_to(g, shape):
    """Undo broadcasting: sum `g` down to `shape` (numpy array or Tensor)."""
    gshape = g.shape
    if tuple(gshape) == tuple(shape):
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    if isinstance(g, Tensor):
        out = g.sum(axes, keepdim=True) if axes else g
        return out.reshape(tuple(shape))
    return np.sum(g, axis=axes, keepdims=True).reshape(shape) if axes else np.reshape(g, shape)


def _version_error(name, value, node, saved_version, current):
    data = value._data if isinstance(value, Tensor) else value.data
    legacy = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor"}.get(
        data.dtype.name, "Tensor")
    if isinstance(value, _SavedOutput):
        owner = f", which is output 0 of {short_name(node)},"
    elif value._grad_fn is not None:
        owner = f", which is output 0 of {short_name(value._grad_fn)},"
    else:
        owner = ""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{legacy} [{', '.join(map(str, data.shape))}]]{owner} is at version {current}; expected version "
        f"{saved_version} instead.{_HINT}")


def _unpack_saved(node, create_graph):
    saved = node._saved
    if saved is None:
        raise RuntimeError(BACKWARD_TWICE)
    versions = node._saved_versions
    out = {}
    for name, value in saved.items():
        kind = type(value)
        if kind is _SavedOutput:
            if value.vbox[0] != value.version:
                raise _version_error(name, value, node, value.version, value.vbox[0])
            if create_graph:
                t = _make(value.data)
                t._requires_grad, t._grad_fn = True, node
                out[name] = t
            else:
                d = value.data
                out[name] = d if d.ndim else d[()]  # numpy scalars: see engine.tensor.apply_elementwise
        elif kind is Tensor or isinstance(value, Tensor):
            current = value._vbox[0]
            if versions[name] != current:
                raise _version_error(name, value, node, versions[name], current)
            if create_graph:
                out[name] = value
            else:
                d = value._data
                out[name] = d if d.ndim else d[()]
        else:
            out[name] = value
    return out


def _as_grad(g, create_graph):
    if create_graph:
        return g if isinstance(g, Tensor) else _make(np.asarray(g))
    g = g._data if isinstance(g, Tensor) else g
    return g[()] if type(g) is _ndarray and not g.ndim else g


def _wrap(g):
    return g if isinstance(g, Tensor) else _make(np.asarray(g))


def _run_tensor_hooks(hooks, g, create_graph):
    for hook in list(hooks):
        new = hook(_wrap(g))
        if new is not None:
            g = _as_grad(new, create_graph)
    return g


def _run_plain(deps, buffers, heap, pending, retain_graph) -> None:
    """run_backward's loop for the commonest pass, `backward()` with no create_graph, hook, retain_grad, trace
    or `inputs=`: the same gradients, summed in the same order, without testing for those features at every
    node. Two shortcuts that only hooks or a trace could observe: the gradient of the node that runs next
    travels in locals instead of `buffers` (a chain's every step), and a leaf's last gradient is added into
    its `.grad` as soon as its node has computed all its slots (its AccumulateGrad would run next anyway)."""
    owned: set = set()  # nodes whose buffer no one else holds (it may be summed into, or become a .grad)
    m = NUMPY
    heappop, heappush = heapq.heappop, heapq.heappush
    pending_g = buffers.pop(pending) if pending is not None else None
    pending_owned = False
    while True:
        if pending is not None:
            node, g, g_owned = pending, pending_g, pending_owned
            pending = None
        elif heap:
            node = heappop(heap)[1]
            g = buffers.pop(node)
            g_owned = node in owned
        else:
            return
        if type(node) is AccumulateGrad:
            _add_to_grad(node.variable, g, g_owned)
            continue
        s = node._saved
        if s is None or node._saved_versions is not None:
            s = _unpack_saved(node, False)
        a = node._attrs
        node_inputs = node._inputs
        vjps = node._op.vjps
        leaf = None  # an AccumulateGrad this node just made ready: fed once all slots are computed
        i = -1
        for nxt in node._next:
            i += 1
            if nxt is None:
                continue
            vjp = vjps[i]
            if vjp is None:
                raise _no_derivative(node._op, i)
            left = deps[nxt] - 1
            prev = buffers.get(nxt)
            xdata = node_inputs[i]._data
            if left and vjp is negated_grad and prev is None and not a and type(g) is _ndarray \
                    and g.shape == xdata.shape and g.dtype is xdata.dtype:
                # -g waiting for another gradient: kept as g, and the later sum subtracts it (one pass fewer)
                buffers[nxt] = _Negated(g)
                deps[nxt] = left
                continue
            gi = vjp(m, g, s, a)
            # (a 0-d gradient into an element-wise node stays 0-d: one of a single input, x ** 2 or x - 1, has
            # the output's shape by construction; with more, _unbroadcast_inputs looks)
            if gi.shape != xdata.shape and (gi.ndim or nxt._op not in ELEMENTWISE_SPECS or not (
                    len(nxt._inputs) == 1 or _unbroadcast_inputs(nxt, xdata.shape))):
                gi = _fit(gi, xdata.shape, nxt, False)
            if gi.dtype is not xdata.dtype and gi.dtype != xdata.dtype:
                gi = gi.astype(xdata.dtype)
            if prev is not None:
                _sum_into(buffers, owned, nxt, prev, gi, gi is not g or (g_owned and _one_edge(node)))
                if left:
                    deps[nxt] = left
                    continue
                gi = buffers.pop(nxt)
                fresh = nxt in owned
            else:
                # a fresh array from a VJP (not a view; not the incoming gradient passed on, unless it was this
                # node's alone and goes on along its only edge) belongs to this buffer alone, so it may later
                # be summed into or become a leaf's .grad without a copy
                fresh = type(gi) is _ndarray and gi.base is None and (
                    gi is not g or (g_owned and _one_edge(node)))
                if left:
                    deps[nxt] = left
                    buffers[nxt] = gi
                    if fresh:
                        owned.add(nxt)
                    continue
            # nxt is ready, with gradient gi
            if leaf is None and type(nxt) is AccumulateGrad:
                leaf, leaf_g, leaf_owned = nxt, gi, fresh
            elif pending is None and not heap:
                pending, pending_g, pending_owned = nxt, gi, fresh
            else:
                # `pending` is the ready node that runs next: it goes before everything in the heap. The one of
                # nxt and pending that runs first stays (or becomes) pending; the other waits in the heap, its
                # gradient in buffers (the same order as pushing both, two heap operations fewer)
                key = _priority(nxt)
                if pending is None:
                    first = key < heap[0][0]
                else:
                    pending_key = _priority(pending)
                    first = key < pending_key
                    if first:
                        buffers[pending] = pending_g
                        if pending_owned:
                            owned.add(pending)
                        heappush(heap, (pending_key, pending))
                if first:
                    pending, pending_g, pending_owned = nxt, gi, fresh
                else:
                    buffers[nxt] = gi
                    if fresh:
                        owned.add(nxt)
                    heappush(heap, (key, nxt))
        if leaf is not None:
            _add_to_grad(leaf.variable, leaf_g, leaf_owned)
        if not retain_graph and s:
            node._saved = None  # Node._released reads this


def _one_edge(node) -> bool:
    """Whether the node sends gradients along one edge only (a gradient it passes on is then not shared)."""
    count = 0
    for n in node._next:
        if n is not None:
            count += 1
    return count == 1


def _no_derivative(op, i) -> RuntimeError:
    return RuntimeError(op.not_implemented.get(op.inputs[i], "the derivative is not implemented"))


def _output_hooks(node, g, create_graph, current_pass):
    """The hooks and retain_grad of the node's output tensor, and the node's pre-hooks; returns the gradient
    the node then runs with."""
    out_t = node._out_ref()
    if out_t is not None and (out_t._hooks or out_t._retains_grad):
        g = _full(g, out_t._data.shape)
        if out_t._hooks:
            before = g
            g = _run_tensor_hooks(out_t._hooks, g, create_graph)
            if current_pass is not None:
                current_pass.hook(node, out_t, before, g)
        if out_t._retains_grad:
            _retain(out_t, g, create_graph)
            if current_pass is not None:
                current_pass.retain(node, out_t, g)
    if node._pre_hooks:
        for hook in list(node._pre_hooks):
            new = hook((_wrap(g),))
            if new is not None:
                g = _as_grad(new[0], create_graph)
    return g


def _count_dependencies(root_nodes) -> dict:
    """{node: how many edges of the graph below the roots lead into it}, found iteratively."""
    deps: dict = dict.fromkeys(root_nodes, 0)  # roots start here: found again through an edge, not pushed again
    stack = list(root_nodes)
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        for nxt in node._next:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    push(nxt)
    return deps


def backward_scalar_root(root, g, retain_graph) -> None:
    """`loss.backward()` of a 0-d float tensor with a grad_fn: run_backward for one root and its gradient 1,
    straight into the plain loop when no hook, retain_grad or trace asks for the general one."""
    if HOOKED[0] or backward_trace.ACTIVE[0] is not None:
        run_backward((root,), (g,), retain_graph=retain_graph, create_graph=False)
        return
    fn = root._grad_fn
    deps = _count_dependencies((fn,))
    _run_plain_without_grad(deps, {fn: g}, [], None if deps[fn] else fn, retain_graph)


def _run_plain_without_grad(deps, buffers, heap, pending, retain_graph) -> None:
    """_run_plain with grad mode off for the pass (its VJPs build no graph), restored afterwards."""
    prev_mode = ENABLED[0]
    ENABLED[0] = False
    try:
        _run_plain(deps, buffers, heap, pending, retain_graph)
    finally:
        ENABLED[0] = prev_mode


def run_backward(roots, root_grads, *, retain_graph, create_graph, inputs=None, allow_unused=False,
                 accumulate=True, kind="backward"):
    """Back-propagate `root_grads` from `roots`. With `inputs`, return their gradients (autograd.grad, or the
    `inputs=` of backward, which accumulates only into those)."""
    m = TENSOR if create_graph else NUMPY
    recorder = backward_trace.ACTIVE[0]
    hooked = HOOKED[0]  # no hook nor retain_grad anywhere yet: none to look for on each node
    root_nodes = []
    for i, t in enumerate(roots):
        fn = t._grad_fn
        if fn is None:
            if not t._requires_grad:
                raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
            fn = accumulator_for(t)
        root_nodes.append(fn)

    capture_at: dict = {}
    if inputs is not None:
        for i, x in enumerate(inputs):
            if not x._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            fn = x._grad_fn if x._grad_fn is not None else accumulator_for(x)
            capture_at.setdefault(fn, []).append(i)

    deps = _count_dependencies(root_nodes)
    needed = None
    if inputs is not None:
        needed = _needed_nodes(deps, capture_at)

    buffers: dict = {}
    for node, g in zip(root_nodes, root_grads):
        g = _as_grad(g, create_graph)
        buffers[node] = g if node not in buffers else buffers[node] + g

    # A node that became ready while no other waited runs next without a trip through the heap (a chain)
    pending = None
    if len(root_nodes) == 1:
        heap = []
        if not deps[root_nodes[0]]:
            pending = root_nodes[0]
    else:
        heap = [(_priority(node), node) for node in dict.fromkeys(root_nodes) if not deps[node]]
        if len(heap) == 1:
            pending = heap.pop()[1]
        heapq.heapify(heap)
    if not (create_graph or recorder is not None or hooked or inputs is not None):
        _run_plain_without_grad(deps, buffers, heap, pending, retain_graph)
        return None
    prev_mode = ENABLED[0]
    ENABLED[0] = create_graph
    captured = [None] * (len(inputs) if inputs is not None else 0)
    owned: set = set()
    current_pass = None
    if recorder is not None:
        current_pass = recorder.begin(kind, roots, root_nodes, create_graph, retain_graph)
    recording = current_pass is not None  # the trace shows every gradient at its full shape
    heappop = heapq.heappop
    try:
        while True:
            if pending is not None:
                node = pending
                pending = None
            elif heap:
                node = heappop(heap)[1]
            else:
                break
            g = buffers.pop(node)
            if type(node) is AccumulateGrad:
                if not accumulate and current_pass is None and not (hooked and node.variable._hooks):
                    # autograd.grad without hooks or a trace: _accumulate would only capture the gradient
                    for i in capture_at.get(node, ()):
                        captured[i] = g
                    continue
                is_owned = node in owned
                _accumulate(node, g, capture_at, captured, (accumulate and inputs is None) or
                            (accumulate and node in capture_at), create_graph, current_pass,
                            is_owned and not (capture_at and node in capture_at))
                continue
            if hooked or capture_at:  # (one test for both on the common path)
                if hooked:
                    g = _output_hooks(node, g, create_graph, current_pass)
                if capture_at and node in capture_at:
                    for i in capture_at[node]:
                        captured[i] = _full(g, inputs[i]._data.shape)
                    if accumulate is False and not _has_needed_next(node, needed):
                        if current_pass is not None:
                            current_pass.capture(node, g)
                        continue
            s = node._saved
            # _saved_versions is None when the saved values are plain numbers and arrays: nothing to unpack
            if s is None or create_graph or node._saved_versions is not None:
                s = _unpack_saved(node, create_graph)
            a = node._attrs
            nexts = node._next
            # what each slot sent is kept only for node hooks and the trace
            grads_out = [None] * len(nexts) if recording or (hooked and node._hooks) else None
            node_inputs = node._inputs
            vjps = node._op.vjps
            i = -1
            for nxt in nexts:
                i += 1
                if nxt is None or (needed is not None and nxt not in needed):
                    continue
                vjp = vjps[i]
                if vjp is None:
                    raise _no_derivative(node._op, i)
                gi = vjp(m, g, s, a)
                xdata = node_inputs[i]._data
                if create_graph:
                    gi = sum_to(gi, xdata.shape)
                    if gi._data.dtype != xdata.dtype:
                        gi = gi.to(node_inputs[i].dtype)
                else:
                    if gi.shape != xdata.shape:
                        gi = _fit(gi, xdata.shape, nxt, recording)
                    if gi.dtype is not xdata.dtype and gi.dtype != xdata.dtype:
                        gi = gi.astype(xdata.dtype)
                if grads_out is not None:
                    grads_out[i] = gi
                prev = buffers.get(nxt)
                if prev is not None:
                    if recording or create_graph:  # (the trace keeps what each slot sent: no sum in place)
                        buffers[nxt] = prev + gi
                        if not create_graph:
                            owned.add(nxt)
                    else:
                        _sum_into(buffers, owned, nxt, prev, gi, grads_out is None and gi is not g)
                else:
                    buffers[nxt] = gi
                    # a fresh array from a VJP (not the incoming gradient passed on, not a view) belongs to
                    # this buffer alone, so it may later be summed into or become a leaf's .grad without a copy
                    if not create_graph and type(gi) is _ndarray and gi is not g and gi.base is None:
                        owned.add(nxt)
                left = deps[nxt] - 1
                deps[nxt] = left
                if not left:
                    if pending is None and not heap:
                        pending = nxt
                    else:
                        pending = _push_ready(heap, pending, nxt)
            if hooked and node._hooks:
                for hook in list(node._hooks):
                    hook(tuple(_wrap(x) if x is not None else None for x in grads_out), (_wrap(g),))
            if current_pass is not None:
                current_pass.run(node, g, grads_out)
            if not retain_graph and node._saved:
                node._saved = None  # Node._released reads this
    finally:
        ENABLED[0] = prev_mode
        if recorder is not None:
            recorder.end()

    if inputs is None:
        return None
    results = []
    for i, g in enumerate(captured):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.")
            results.append(None)
        else:
            results.append(_grad_tensor(g, inputs[i], create_graph))
    return tuple(results)


def _grad_tensor(g, like, create_graph):
    if create_graph:
        return g if isinstance(g, Tensor) else _make(g)
    data = g._data if isinstance(g, Tensor) else g
    # (a numpy scalar is never writeable: it becomes a 0-d array)
    if type(data) is not _ndarray or not (data.flags.writeable and data.flags.owndata):
        data = np.array(data, dtype=like._data.dtype)
    return _make(data)


# Ready nodes run highest sequence number first; AccumulateGrad as soon as it is ready (PyTorch gives it the
# largest sequence number), several ready ones oldest first. Keys are unique (so the heap never compares
# nodes): -seq for a function, seq - 2**62 for AccumulateGrad, below every function's key.
_ACCUMULATE_BASE = 1 << 62


def _priority(node) -> int:
    return node._seq - _ACCUMULATE_BASE if type(node) is AccumulateGrad else -node._seq


def _needed_nodes(order, capture_at) -> set:
    """Nodes on some path to a captured input: only these run (PyTorch prunes the rest too)."""
    needed = set(capture_at)
    changed = True
    # `order` lists every node in the order found (each after a node that uses it); sweeping it backwards
    # until stable settles any DAG quickly
    while changed:
        changed = False
        passed_over = False  # another sweep is due only if a node joined after one was passed over
        for node in reversed(order):
            if node in needed:
                continue
            for n in node._next:
                if n in needed:  # (None never is)
                    needed.add(node)
                    changed = changed or passed_over
                    break
            else:
                passed_over = True
    return needed


def _has_needed_next(node, needed) -> bool:
    return needed is not None and any(n is not None and n in needed for n in node._next)


def _retain(t, g, create_graph):
    if t._grad is None:
        t._grad = _grad_tensor(g, t, create_graph) if create_graph else _make(np.array(_as_grad(g, False)))
    else:
        t._grad = t._grad + _wrap(g) if create_graph else _make(t._grad._data + _as_grad(g, False))


def _accumulate(node, g, capture_at, captured, do_accumulate, create_graph, current_pass, owned=False):
    var = node.variable
    if var._hooks:
        owned = False  # a hook may keep the array it was shown
        before = g
        g = _run_tensor_hooks(var._hooks, g, create_graph)
        if current_pass is not None:
            current_pass.hook(node, var, before, g)
    if node in capture_at:
        for i in capture_at[node]:
            captured[i] = g
        if current_pass is not None:
            current_pass.capture(node, g)
        if not do_accumulate:
            return
    if not do_accumulate:
        return
    before = None if var._grad is None else var._grad._data.copy() if current_pass is not None else None
    if create_graph:
        gt = _wrap(g)
        var._grad = copy_of(gt) if var._grad is None else var._grad + gt  # CopyBackwards, as in PyTorch
    else:
        _add_to_grad(var, g._data if isinstance(g, Tensor) else g, owned)
    if current_pass is not None:
        current_pass.accumulate(node, var, before, g, var._grad._data)


def _add_to_grad(var, data, owned) -> None:
    """`var.grad += data` as PyTorch does it (numpy gradients; `owned`: nobody else holds `data`)."""
    if data.dtype != var._data.dtype:
        data = data.astype(var._data.dtype)
    grad = var._grad
    if grad is None:
        # PyTorch steals a gradient nobody else holds; anything shared is copied
        if not (owned and type(data) is _ndarray and data.flags.c_contiguous):
            data = np.array(data, copy=True)
        var._grad = _make(data)
    elif grad._grad_fn is None and grad._data.flags.writeable:
        held = grad._data
        # in place, as PyTorch does: a held reference to .grad sees the sum (a 0-d array through its scalar,
        # the same addition without numpy's slow in-place path for 0-d arrays)
        if held.ndim:
            held += data
        else:
            held[()] = held[()] + data
        grad._vbox[0] += 1
    else:
        var._grad = _make(grad._data + data)


def _fit(gi, shape, nxt, recording):
    """A VJP's numpy gradient brought to its input's `shape`: broadcast dimensions summed away. A gradient
    still smaller than `shape` stays small where the next node is element-wise over inputs of that very shape
    (its rules broadcast it for free), and is expanded everywhere else (and for the trace, which shows it)."""
    if gi.ndim:  # (a 0-d gradient has nothing to sum)
        gi = reduce_to(gi, shape)
    if gi.shape != shape and (recording or nxt._op not in ELEMENTWISE_SPECS or not _unbroadcast_inputs(nxt, shape)):
        if type(nxt) is AccumulateGrad:
            # a leaf's .grad will hold it: filled in an array of its own (which .grad then takes without a
            # copy), not a read-only view (np.broadcast_to alone costs 3 us, and the copy followed it)
            full = np.empty(shape, gi.dtype)
            full[...] = gi
            return full
        gi = np.broadcast_to(gi, shape)
    return gi


def _sum_into(buffers, owned, nxt, prev, gi, gi_fresh) -> None:
    """Add a second numpy gradient `gi` for `nxt` to its buffer `prev`. `gi_fresh`: no one else can see `gi`
    (not the incoming gradient passed on, not kept for a hook)."""
    if type(prev) is _Negated:  # -a + b is b - a, to the bit
        out = gi if gi_fresh and type(gi) is _ndarray and gi.base is None and gi.shape == prev.g.shape \
            and gi.dtype == prev.g.dtype else None
        buffers[nxt] = np.subtract(gi, prev.g, out=out)
        owned.add(nxt)
        return
    # (a 0-d product may be a numpy scalar: `+=` on it would not reach the buffer)
    if type(prev) is _ndarray and prev.shape == gi.shape and prev.dtype == gi.dtype:
        if nxt in owned:
            prev += gi  # the buffer is ours alone: sum in place, as PyTorch's InputBuffer does
            return
        if gi_fresh and type(gi) is _ndarray and gi.base is None:
            # the same sum written over the VJP's fresh array (nobody else holds it)
            buffers[nxt] = np.add(prev, gi, out=gi)
            owned.add(nxt)
            return
    buffers[nxt] = prev + gi
    owned.add(nxt)


class _Negated:
    """A buffer holding -g, not yet computed: the plain loop's `a - b` sends b this when b still waits for
    another gradient, which `_sum_into` then subtracts g from."""

    __slots__ = ("g",)

    def __init__(self, g):
        self.g = g


def _push_ready(heap, pending, nxt):
    """Queue `nxt`, which just became ready while another node is ready too; returns the new `pending`."""
    # (_priority written out: every node of a branching graph comes through here)
    if pending is not None:
        heapq.heappush(heap, (pending._seq - _ACCUMULATE_BASE if type(pending) is AccumulateGrad else -pending._seq,
                              pending))
    heapq.heappush(heap, (nxt._seq - _ACCUMULATE_BASE if type(nxt) is AccumulateGrad else -nxt._seq, nxt))
    return None
