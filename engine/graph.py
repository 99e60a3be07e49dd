"""What a viewer needs from a graph: keep intermediates alive (`capture`), and export the forward graph
(tensors and ops) and PyTorch's backward graph (`grad_fn` nodes) as `networkx.DiGraph`s."""

from __future__ import annotations

import re
from contextlib import contextmanager

import networkx as nx
import numpy as np

from . import dtypes
from .node import AccumulateGrad, Node
from .tensor import CAPTURE, Tensor, public_id


def tensor_id(tensor: Tensor) -> str:
    """The stable public id of a tensor in graph exports and backward traces ("t12")."""
    return f"t{public_id(tensor)}"


def node_id(node: Node) -> str:
    """The stable public id of a grad_fn node in graph exports and backward traces ("n7")."""
    return f"n{node._seq}"


class _Capture:
    def __init__(self):
        self.tensors: list[Tensor] = []


@contextmanager
def capture():
    """Keep every tensor created inside the block alive, so the graph's intermediate values stay viewable."""
    cap = _Capture()
    prev = CAPTURE[0]
    CAPTURE[0] = cap.tensors
    try:
        yield cap
    finally:
        CAPTURE[0] = prev


def _copy(x):
    return None if x is None else np.array(x, copy=True)


def _saved_summary(node: Node) -> dict:
    return {name: _copy(value) if isinstance(value, np.ndarray) else value
            for name, value in node.saved_values().items()}


def _public_attrs(node: Node) -> dict:
    """The op's non-tensor arguments as plain data. A custom Function's ctx is no argument of the op (PyTorch's
    node is the ctx), and the index and mask arrays of indexing ops are not shown."""
    return {k: _plain(v) for k, v in (node._attrs or {}).items()
            if k not in ("shape", "condition", "index", "target", "ctx")}


def _plain(value):
    """An argument as numbers, strings, arrays and tuples of them: a dtype by PyTorch's name ("torch.float32")."""
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return repr(dtypes.from_numpy_dtype(np.dtype(value)))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    return value


def _op_attrs(node: Node, out_t: Tensor | None = None) -> dict:
    op = node._op
    if out_t is None:
        out_t = node.output()
    shape = tuple(out_t._data.shape) if out_t is not None else None
    dtype = repr(out_t.dtype) if out_t is not None else None
    if op is None:  # AccumulateGrad
        var = node.variable
        return {
            "name": "AccumulateGrad", "op": None, "seq": node._seq, "formula": "grad += incoming",
            "latex": r"x.\mathrm{grad} \mathrel{+}= \bar x", "backward_formulas": (), "backward_latex": (),
            "saved": {}, "released": False, "attrs": {}, "tensor": tensor_id(var),
            "shape": tuple(var._data.shape), "dtype": repr(var.dtype),
        }
    return {
        "name": type(node).__name__, "op": op.name, "seq": node._seq, "formula": op.formula, "latex": op.latex,
        "backward_formulas": op.backward_formulas, "backward_latex": op.backward_latex,
        "saved": _saved_summary(node), "released": node.released, "attrs": _public_attrs(node),
        "saved_versions": node.saved_versions(),
        "module": None if node._module is None else node._module._asdict(),
        "source": op.source,
        "shape": shape, "dtype": dtype,
    }


def _roots_nodes(roots) -> list:
    if isinstance(roots, (Tensor, Node)):
        roots = [roots]
    out = []
    for r in roots:
        if isinstance(r, Tensor):
            if r._grad_fn is not None:
                out.append(r._grad_fn)
            elif r._requires_grad and r._accumulator is not None and r._accumulator() is not None:
                out.append(r._accumulator())
        elif isinstance(r, Node):
            out.append(r)
    return out


def backward_graph(roots) -> nx.DiGraph:
    """PyTorch's own graph: from each root's grad_fn through next_functions to the AccumulateGrad nodes."""
    g = nx.DiGraph()
    start = _roots_nodes(roots)
    g.graph["roots"] = [node_id(n) for n in start]
    stack = list(dict.fromkeys(start))
    seen = set(stack)
    while stack:
        node = stack.pop()
        nid = node_id(node)
        attrs = _op_attrs(node)
        if isinstance(node, AccumulateGrad):
            attrs["kind"] = "accumulate"
            attrs["tensor_name"] = None
        else:
            attrs["kind"] = "function"
        g.add_node(nid, **attrs)
        for slot, (nxt, nr) in enumerate(node.next_functions):
            if nxt is None:
                none_id = f"none:{nid}:{slot}"
                g.add_node(none_id, kind="none", name="None", seq=None, label="None")
                g.add_edge(nid, none_id, input_nr=slot, output_nr=nr)
                continue
            g.add_edge(nid, node_id(nxt), input_nr=slot, output_nr=nr)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return g


def _label(t: Tensor, name, names_by_data: dict) -> str:
    """The variable name; for an unnamed view of a named tensor (matmul's unsqueezed `x`), "x (view)"; else
    the producing op ("Mm", "Squeeze") or "leaf"."""
    if name:
        return name
    base = t._data
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
        if id(base) in names_by_data:
            return f"{names_by_data[id(base)]} (view)"
    if t._grad_fn is None:
        return "leaf"
    return re.sub(r"Backward\d+$", "", type(t._grad_fn).__name__)


def _tensor_attrs(t: Tensor, names_by_id: dict, kind: str, names_by_data: dict | None = None) -> dict:
    name = names_by_id.get(id(t))
    grad = t._grad
    return {
        "kind": kind, "name": name,
        "label": _label(t, name, names_by_data or {}),
        "shape": tuple(t._data.shape), "dtype": repr(t.dtype), "value": _copy(t._data),
        "grad": None if grad is None else _copy(grad._data), "requires_grad": t._requires_grad,
        "is_leaf": t._grad_fn is None, "retains_grad": t._retains_grad,
        "grad_fn": None if t._grad_fn is None else type(t._grad_fn).__name__, "version": t._version,
        "tid": public_id(t),
    }


def forward_graph(roots, names: dict | None = None) -> nx.DiGraph:
    """Data flow from inputs to outputs: tensor nodes ("t{tid}") and op nodes ("n{seq}")."""
    if isinstance(roots, Tensor):
        roots = [roots]
    roots = list(roots)
    names_by_id = {}
    names_by_data = {id(t._data): name for name, t in (names or {}).items() if isinstance(t, Tensor)}
    for name, t in (names or {}).items():
        if isinstance(t, Tensor) and id(t) not in names_by_id:
            names_by_id[id(t)] = name
    g = nx.DiGraph()
    g.graph["roots"] = [tensor_id(t) for t in roots]
    consumed: set[str] = set()
    seen_nodes: set[int] = set()
    seen_tensors: dict[str, Tensor] = {}
    # the output tensor a node produced, for nodes whose output is alive
    stack = []
    for t in roots:
        seen_tensors[tensor_id(t)] = t
        if t._grad_fn is not None:
            stack.append((t._grad_fn, t))
    while stack:
        node, out_t = stack.pop()
        if node._seq in seen_nodes or isinstance(node, AccumulateGrad):
            continue
        seen_nodes.add(node._seq)
        nid = node_id(node)
        if out_t is None:
            out_t = node.output()
        attrs = _op_attrs(node, out_t)
        attrs["kind"] = "op"
        g.add_node(nid, **attrs)
        outputs = [out_t] if node.output_count == 1 else [node.output(k) for k in range(node.output_count)]
        for k, t in enumerate(outputs):
            if t is not None:
                tid = tensor_id(t)
                seen_tensors.setdefault(tid, t)
                g.add_edge(nid, tid, arg=k)
        for i, x in enumerate(node._inputs):
            if isinstance(x, Tensor):
                tid = tensor_id(x)
                seen_tensors.setdefault(tid, x)
                consumed.add(tid)
                g.add_edge(tid, nid, arg=i)
                fn = x._grad_fn
                if fn is not None and fn._seq not in seen_nodes:
                    stack.append((fn, x))
            else:
                sid = f"s{node._seq}_{i}"
                g.add_node(sid, kind="scalar", name=None, label=repr(x), value=None if x is None else np.asarray(x),
                           shape=(), dtype=None, grad=None, requires_grad=False, is_leaf=True, grad_fn=None)
                g.add_edge(sid, nid, arg=i)
    root_ids = set(g.graph["roots"])
    for tid, t in seen_tensors.items():
        if t._grad_fn is None:
            kind = "leaf" if t._requires_grad else "constant"
        elif tid in root_ids or tid not in consumed:
            kind = "output"
        else:
            kind = "intermediate"
        g.add_node(tid, **_tensor_attrs(t, names_by_id, kind, names_by_data))
    return g
