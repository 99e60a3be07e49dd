"""The graphs a viewer reads, on the seed lessons' graphs: engine.graph.backward_graph has PyTorch's nodes and
edges, engine.graph.forward_graph has the tensors and ops with their values, engine.backward_trace records the
nodes in PyTorch's execution order with the gradients that flowed, and none of it leaves reference cycles.

PyTorch's graphs and execution orders are literals recorded from torch 2.13.0 (grad_fn.next_functions walked
breadth first; the order from node hooks); `test_literals_are_pytorchs` re-derives them when torch is here.
"""

from __future__ import annotations

import gc

import networkx as nx
import numpy as np
import pytest

import engine
from engine import backward_trace
from engine import graph as engine_graph
from engine.graph import backward_graph, capture, forward_graph


# ---------------------------------------------------------------- the seed lessons' graphs, for either module
def bce(T):
    T.manual_seed(0)
    x, y = T.ones(5), T.zeros(3)
    w = T.randn(5, 3, requires_grad=True)
    b = T.randn(3, requires_grad=True)
    z = T.matmul(x, w) + b
    loss = T.nn.functional.binary_cross_entropy_with_logits(z, y)
    return loss, {}, {"x": x, "y": y, "w": w, "b": b, "z": z, "loss": loss}


def pow_t(T):
    inp = T.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    return out, {"gradient": T.ones_like(out)}, {"inp": inp, "out": out}


def pow_log(T):
    t = T.tensor([1.0, 2.0, 4.0]).requires_grad_()
    u = T.tensor([10.0, 20.0]).requires_grad_()
    a = t.pow(2).sum() + u.log().sum()
    return a, {}, {"t": t, "u": u, "a": a}


def norm_chain(T):
    T.manual_seed(0)
    w1 = T.rand(5, 5).requires_grad_()
    w2 = T.rand(5, 5).requires_grad_()
    x0 = T.empty(5).normal_()
    x1 = w1 @ x0
    x2 = x0 + w2 @ x1
    x3 = w1 @ (x1 + x2)
    q = x3.norm()
    return q, {}, {"w1": w1, "w2": w2, "x0": x0, "x1": x1, "x2": x2, "x3": x3, "q": q}


def abs_sum(T):
    x = T.tensor([1.0, -2.0, 3.0, -4.0]).requires_grad_()
    s = x.abs().sum()
    return s, {}, {"x": x, "s": s}


def descent(T, detach=False):
    a = T.tensor(0.5).requires_grad_()
    b = T.tensor(-0.5).requires_grad_()
    loss = (a - 1) ** 2 + (b + 1) ** 2 + ((a.detach() if detach else a) - b) ** 2
    return loss, {}, {"a": a, "b": b, "l": loss}


SCENARIOS = {
    "bce": bce, "pow_t": pow_t, "pow_log": pow_log, "norm_chain": norm_chain, "abs_sum": abs_sum,
    "descent": descent, "descent_detach": lambda T: descent(T, detach=True),
}

# (nodes breadth first as (name, [(child index | None, output_nr), ...]), names in execution order)
TORCH = {
    "bce": (
        [("BinaryCrossEntropyWithLogitsBackward0", [(1, 0), (None, 0)]), ("AddBackward0", [(2, 0), (3, 0)]),
         ("SqueezeBackward4", [(4, 0)]), ("AccumulateGrad", []), ("MmBackward0", [(None, 0), (5, 0)]),
         ("AccumulateGrad", [])],
        ["BinaryCrossEntropyWithLogitsBackward0", "AddBackward0", "AccumulateGrad", "SqueezeBackward4",
         "MmBackward0", "AccumulateGrad"],
    ),
    "pow_t": (
        [("TBackward0", [(1, 0)]), ("PowBackward0", [(2, 0)]), ("AddBackward0", [(3, 0), (None, 0)]),
         ("AccumulateGrad", [])],
        ["TBackward0", "PowBackward0", "AddBackward0", "AccumulateGrad"],
    ),
    "pow_log": (
        [("AddBackward0", [(1, 0), (2, 0)]), ("SumBackward0", [(3, 0)]), ("SumBackward0", [(4, 0)]),
         ("PowBackward0", [(5, 0)]), ("LogBackward0", [(6, 0)]), ("AccumulateGrad", []),
         ("AccumulateGrad", [])],
        ["AddBackward0", "SumBackward0", "LogBackward0", "AccumulateGrad", "SumBackward0", "PowBackward0",
         "AccumulateGrad"],
    ),
    "norm_chain": (
        [("LinalgVectorNormBackward0", [(1, 0)]), ("MvBackward0", [(2, 0), (3, 0)]), ("AccumulateGrad", []),
         ("AddBackward0", [(4, 0), (5, 0)]), ("MvBackward0", [(2, 0), (None, 0)]),
         ("AddBackward0", [(None, 0), (6, 0)]), ("MvBackward0", [(7, 0), (4, 0)]), ("AccumulateGrad", [])],
        ["LinalgVectorNormBackward0", "MvBackward0", "AddBackward0", "AddBackward0", "MvBackward0",
         "AccumulateGrad", "MvBackward0", "AccumulateGrad"],
    ),
    "abs_sum": (
        [("SumBackward0", [(1, 0)]), ("AbsBackward0", [(2, 0)]), ("AccumulateGrad", [])],
        ["SumBackward0", "AbsBackward0", "AccumulateGrad"],
    ),
    "descent": (
        [("AddBackward0", [(1, 0), (2, 0)]), ("AddBackward0", [(3, 0), (4, 0)]), ("PowBackward0", [(5, 0)]),
         ("PowBackward0", [(6, 0)]), ("PowBackward0", [(7, 0)]), ("SubBackward0", [(8, 0), (9, 0)]),
         ("SubBackward0", [(8, 0), (None, 0)]), ("AddBackward0", [(9, 0), (None, 0)]), ("AccumulateGrad", []),
         ("AccumulateGrad", [])],
        ["AddBackward0", "PowBackward0", "SubBackward0", "AddBackward0", "PowBackward0", "AddBackward0",
         "AccumulateGrad", "PowBackward0", "SubBackward0", "AccumulateGrad"],
    ),
    "descent_detach": (
        [("AddBackward0", [(1, 0), (2, 0)]), ("AddBackward0", [(3, 0), (4, 0)]), ("PowBackward0", [(5, 0)]),
         ("PowBackward0", [(6, 0)]), ("PowBackward0", [(7, 0)]), ("SubBackward0", [(None, 0), (8, 0)]),
         ("SubBackward0", [(9, 0), (None, 0)]), ("AddBackward0", [(8, 0), (None, 0)]), ("AccumulateGrad", []),
         ("AccumulateGrad", [])],
        ["AddBackward0", "PowBackward0", "SubBackward0", "AddBackward0", "PowBackward0", "AddBackward0",
         "AccumulateGrad", "PowBackward0", "SubBackward0", "AccumulateGrad"],
    ),
}


def canonical_from_nodes(root) -> list:
    """The graph below a grad_fn, breadth first, nodes numbered on first visit."""
    order, index, out = [root], {root: 0}, []
    for node in order:
        children = []
        for nxt, nr in node.next_functions:
            if nxt is None:
                children.append((None, nr))
                continue
            if nxt not in index:
                index[nxt] = len(order)
                order.append(nxt)
            children.append((index[nxt], nr))
        out.append((type(node).__name__, children))
    return out


def canonical_from_digraph(g: nx.DiGraph) -> list:
    """The same numbering, read from engine.graph.backward_graph's DiGraph."""
    root = g.graph["roots"][0]
    order, index, out = [root], {root: 0}, []
    for nid in order:
        edges = sorted(g.out_edges(nid, data=True), key=lambda e: e[2]["input_nr"])
        children = []
        for _, target, data in edges:
            if g.nodes[target]["kind"] == "none":
                children.append((None, data["output_nr"]))
                continue
            if target not in index:
                index[target] = len(order)
                order.append(target)
            children.append((index[target], data["output_nr"]))
        out.append((g.nodes[nid]["name"], children))
    return out


def execution_order(pass_) -> list[str]:
    return [e.name for e in pass_.events if e.kind in ("run", "accumulate")]


# ---------------------------------------------------------------- backward graph
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_backward_graph_is_pytorchs(name):
    root, _, _ = SCENARIOS[name](engine)
    expected_nodes, _ = TORCH[name]
    assert canonical_from_nodes(root.grad_fn) == expected_nodes
    g = backward_graph(root)
    assert canonical_from_digraph(g) == expected_nodes
    assert g.graph["roots"] == [engine_graph.node_id(root.grad_fn)]
    assert nx.is_directed_acyclic_graph(g)


def test_backward_graph_node_attributes():
    loss, _, t = bce(engine)
    g = backward_graph(loss)
    by_name = {data["name"]: (nid, data) for nid, data in g.nodes(data=True) if data["kind"] == "function"}
    nid, bce_node = by_name["BinaryCrossEntropyWithLogitsBackward0"]
    assert bce_node["op"] == "binary_cross_entropy_with_logits"
    assert bce_node["shape"] == () and bce_node["dtype"] == "torch.float32"
    assert len(bce_node["backward_formulas"]) == 2 and bce_node["formula"]
    np.testing.assert_array_equal(bce_node["saved"]["self"], t["z"].detach().numpy())
    assert bce_node["released"] is False
    accumulators = {data["tensor"] for _, data in g.nodes(data=True) if data["kind"] == "accumulate"}
    assert accumulators == {engine_graph.tensor_id(t['w']), engine_graph.tensor_id(t['b'])}
    loss.backward()
    after = backward_graph(loss)
    assert after.nodes[nid]["released"] is True and after.nodes[nid]["saved"] == {}


# ---------------------------------------------------------------- forward graph
def test_forward_graph_of_the_bce_lesson():
    with capture():
        loss, _, t = bce(engine)
    g = forward_graph(loss, names=t)
    kinds = {d["name"]: d["kind"] for _, d in g.nodes(data=True) if d.get("name") and d["kind"] != "op"}
    # x reaches mm as x.unsqueeze(0), a new constant (PyTorch records no node for it either)
    assert kinds == {"y": "constant", "w": "leaf", "b": "leaf", "z": "intermediate", "loss": "output"}
    mm = next(n for n, d in g.nodes(data=True) if d.get("op") == "mm")
    first_input = next(u for u, _, d in g.in_edges(mm, data=True) if d["arg"] == 0)
    assert g.nodes[first_input]["kind"] == "constant" and g.nodes[first_input]["shape"] == (1, 5)
    ops = sorted(data["name"] for _, data in g.nodes(data=True) if data["kind"] == "op")
    # x @ w with a 1-d x: PyTorch's unsqueeze of x records nothing (x needs no grad), then mm and squeeze
    assert ops == ["AddBackward0", "BinaryCrossEntropyWithLogitsBackward0", "MmBackward0", "SqueezeBackward4"]
    tid = {name: engine_graph.tensor_id(tensor) for name, tensor in t.items()}
    add = next(n for n, d in g.nodes(data=True) if d.get("name") == "AddBackward0")
    add_inputs = {d["arg"]: u for u, _, d in g.in_edges(add, data=True)}
    assert add_inputs[1] == tid["b"] and g.nodes[add_inputs[0]]["grad_fn"] == "SqueezeBackward4"
    assert list(g.successors(add)) == [tid["z"]]
    bce_op = next(n for n, d in g.nodes(data=True) if d.get("op") == "binary_cross_entropy_with_logits")
    assert {(u, d["arg"]) for u, _, d in g.in_edges(bce_op, data=True)} == {(tid["z"], 0), (tid["y"], 1)}
    np.testing.assert_array_equal(g.nodes[tid["w"]]["value"], t["w"].detach().numpy())
    assert g.nodes[tid["w"]]["grad"] is None
    loss.backward()
    g = forward_graph(loss, names=t)
    np.testing.assert_array_equal(g.nodes[tid["w"]]["grad"], t["w"].grad.numpy())
    assert g.nodes[tid["loss"]]["grad_fn"] == "BinaryCrossEntropyWithLogitsBackward0"
    assert nx.is_directed_acyclic_graph(g)


def test_forward_graph_python_scalars_are_nodes():
    loss, _, t = descent(engine)
    g = forward_graph(loss, names=t)
    scalars = sorted(float(d["value"]) for _, d in g.nodes(data=True) if d["kind"] == "scalar")
    assert scalars == [1.0, 1.0]  # the 1 of a - 1 and of b + 1; the exponent of ** 2 is an attribute
    exponents = [d["attrs"]["exponent"] for _, d in g.nodes(data=True) if d.get("op") == "pow"]
    assert exponents == [2, 2, 2]


PLAIN = (type(None), bool, int, float, str, np.ndarray, np.generic)


def assert_plain(value, where: str) -> None:
    """Node data a viewer can send anywhere: numbers, strings, arrays (of numbers) and tuples, lists and dicts of
    them; never an engine or program object."""
    if isinstance(value, (tuple, list)) and type(value) in (tuple, list):
        for i, item in enumerate(value):
            assert_plain(item, f"{where}[{i}]")
    elif type(value) is dict:
        for key, item in value.items():
            assert isinstance(key, str), f"{where}: key {key!r}"
            assert_plain(item, f"{where}.{key}")
    else:
        assert isinstance(value, PLAIN), f"{where} is a {type(value).__name__}"
        assert not (isinstance(value, np.ndarray) and value.dtype == object), f"{where} is an object array"


def assert_graph_is_plain(g) -> None:
    for nid, data in g.nodes(data=True):
        for key, value in data.items():
            assert_plain(value, f"{nid}.{key}")


def test_a_custom_functions_node_data_is_plain_data():
    class MyReLU(engine.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x.clamp(min=0) * scale

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * (x > 0) * ctx.scale, None

    x = engine.tensor([-1.0, 2.0], requires_grad=True)
    y = MyReLU.apply(x, 3.0)
    for g in (forward_graph(y), backward_graph(y)):
        assert_graph_is_plain(g)
        node = next(d for _, d in g.nodes(data=True) if d.get("name") == "MyReLUBackward")
        assert node["attrs"] == {} and "MyReLU" in node["source"]


def test_dtypes_and_missing_inputs_are_exported_as_plain_data():
    x = engine.ones(2, 3, requires_grad=True)
    joined = engine.cat([x, x.double().float()]) + engine.stack([x, x]).sum(0).repeat(2, 1)
    normed = engine.nn.functional.batch_norm(joined, None, None, training=True)  # (no weight, no bias)
    for g in (forward_graph(normed), backward_graph(normed)):
        assert_graph_is_plain(g)
    g = forward_graph(normed)
    dtypes = sorted((d["name"], d["attrs"]["dtype"]) for _, d in g.nodes(data=True) if "dtype" in d.get("attrs", {}))
    assert dtypes == [("CatBackward0", "torch.float32"), ("StackBackward0", "torch.float32"),
                      ("ToCopyBackward0", "torch.float32"), ("ToCopyBackward0", "torch.float64")]
    missing = [d for _, d in g.nodes(data=True) if d["kind"] == "scalar" and d["label"] == "None"]
    assert len(missing) == 2 and all(d["value"] is None for d in missing)


# ---------------------------------------------------------------- backward trace
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_trace_runs_nodes_in_pytorchs_order(name):
    root, kwargs, _ = SCENARIOS[name](engine)
    with backward_trace.record() as rec:
        root.backward(**kwargs)
    assert len(rec.passes) == 1
    assert execution_order(rec.passes[0]) == TORCH[name][1]
    assert [e.step for e in rec.passes[0].events] == list(range(len(rec.passes[0].events)))


def test_trace_values_and_second_backward_doubles_the_accumulation():
    loss, _, t = bce(engine)
    w, b = t["w"], t["b"]
    with backward_trace.record() as rec:
        loss.backward(retain_graph=True)
        first_w = w.grad.numpy().copy()
        loss.backward()
    first, second = rec.passes
    assert (first.index, second.index) == (0, 1) and first.kind == "backward"
    acc_w = [e for e in first.events if e.kind == "accumulate" and e.tensor == engine_graph.tensor_id(w)]
    assert len(acc_w) == 1 and acc_w[0].before is None
    np.testing.assert_array_equal(acc_w[0].after, first_w)
    np.testing.assert_array_equal(acc_w[0].grad_in[0], first_w)
    acc_w2 = next(e for e in second.events if e.kind == "accumulate" and e.tensor == engine_graph.tensor_id(w))
    np.testing.assert_array_equal(acc_w2.before, first_w)
    np.testing.assert_allclose(acc_w2.after, 2 * first_w, rtol=0)
    np.testing.assert_allclose(w.grad.numpy(), 2 * first_w, rtol=0)
    # the root received d loss / d loss = 1 and sent the BCE gradient to z's node
    root_event = first.events[0]
    assert root_event.kind == "run" and root_event.name == "BinaryCrossEntropyWithLogitsBackward0"
    np.testing.assert_array_equal(root_event.grad_in[0], np.float32(1.0))
    z = t["z"].detach().numpy().astype(np.float64)
    np.testing.assert_allclose(root_event.grads_out[0], (1 / (1 + np.exp(-z))) / 3, rtol=1e-6)
    assert root_event.grads_out[1] is None and root_event.targets[1] is None
    # b's accumulated gradient is what AddBackward0 sent to it
    add_event = next(e for e in first.events if e.name == "AddBackward0")
    np.testing.assert_array_equal(add_event.grads_out[1], b.grad.numpy() / 2)


def test_trace_of_autograd_grad_captures_inputs():
    loss, _, t = descent(engine)
    with backward_trace.record() as rec:
        ga, gb = engine.autograd.grad(loss, (t["a"], t["b"]))
    (p,) = rec.passes
    assert p.kind == "grad"
    captures = {e.node: e.grad_in[0] for e in p.events if e.kind == "capture"}
    assert sorted(float(v) for v in captures.values()) == sorted([float(ga), float(gb)])
    assert t["a"].grad is None  # autograd.grad accumulates nothing


def test_recording_is_off_outside_record():
    assert backward_trace.ACTIVE[0] is None
    loss, _, _ = bce(engine)
    loss.backward()
    assert backward_trace.ACTIVE[0] is None


# ---------------------------------------------------------------- reference cycles
def _engine_garbage(run) -> list:
    """Engine objects that only the cycle collector could free after `run()`."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        found = [o for o in gc.garbage if type(o).__module__.startswith("engine")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_reference_cycles_after_forward_and_backward(name):
    def run():
        root, kwargs, _ = SCENARIOS[name](engine)
        root.backward(**kwargs)

    assert _engine_garbage(run) == []


def test_no_reference_cycles_with_capture_trace_and_export():
    def run():
        with capture(), backward_trace.record():
            loss, _, t = bce(engine)
            loss.backward(retain_graph=True)
            loss.backward()
        forward_graph(loss, names=t)
        backward_graph(loss)

    assert _engine_garbage(run) == []


def test_no_reference_cycles_with_hooks_retain_grad_and_grad():
    def run():
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g * 2)
        (y * y).sum().backward()
        engine.autograd.grad((x.tanh() * x).sum(), x)

    assert _engine_garbage(run) == []


def test_graph_is_freed_by_reference_counting():
    import weakref

    loss = bce(engine)[0]
    node = weakref.ref(loss.grad_fn)
    loss.backward()
    del loss
    assert node() is None  # no gc.collect() needed


# ---------------------------------------------------------------- the literals, against torch itself
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_literals_are_pytorchs(name):
    torch = pytest.importorskip("torch")
    root, kwargs, _ = SCENARIOS[name](torch)
    order = []
    seen, stack = set(), [root.grad_fn]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        node.register_hook(lambda grad_inputs, grad_outputs, node=node: order.append(type(node).__name__))
        stack.extend(n for n, _ in node.next_functions if n is not None)
    assert canonical_from_nodes(root.grad_fn) == TORCH[name][0]
    root.backward(**kwargs)
    assert order == TORCH[name][1]


# ---------------------------------------------------------------- graphs that create_graph=True builds
def _functional(T):
    return T.nn.functional


DOUBLE_BACKWARD = {
    "mul": lambda T, x, y: x * y, "div": lambda T, x, y: x / y, "add_sub": lambda T, x, y: x + y * 2 - y,
    "pow2": lambda T, x, y: x**2, "pow3": lambda T, x, y: x**3, "pow_half": lambda T, x, y: x**0.5,
    "pow_tensor": lambda T, x, y: x**y, "rpow": lambda T, x, y: 2**x, "exp": lambda T, x, y: x.exp(),
    "log": lambda T, x, y: x.log(), "sqrt": lambda T, x, y: x.sqrt(), "sin": lambda T, x, y: x.sin(),
    "cos": lambda T, x, y: x.cos(), "tanh": lambda T, x, y: x.tanh(), "sigmoid": lambda T, x, y: x.sigmoid(),
    "relu": lambda T, x, y: x.relu(), "abs": lambda T, x, y: x.abs(), "neg": lambda T, x, y: -x,
    "reciprocal": lambda T, x, y: 1 / x, "clamp": lambda T, x, y: x.clamp(0.6, 1.5),
    "mean": lambda T, x, y: x.mean(), "norm": lambda T, x, y: x.norm(), "max": lambda T, x, y: x.max(),
    "softmax": lambda T, x, y: _functional(T).softmax(x, 0) * y,
    "log_softmax": lambda T, x, y: _functional(T).log_softmax(x, 0) * y,
    "mse": lambda T, x, y: _functional(T).mse_loss(x, y),
    "bce_logits": lambda T, x, y: _functional(T).binary_cross_entropy_with_logits(x, y.sigmoid()),
    "maximum": lambda T, x, y: T.maximum(x, y), "dot": lambda T, x, y: x.dot(y),
    "logsigmoid": lambda T, x, y: _functional(T).logsigmoid(x),
}


def _double_backward_graphs(T, name):
    x = T.tensor([0.5, 1.2, 2.0], requires_grad=True)
    y = T.tensor([1.5, 0.7, 2.5], requires_grad=True)
    out = DOUBLE_BACKWARD[name](T, x, y).sum()
    grads = T.autograd.grad(out, (x, y), create_graph=True, allow_unused=True)
    return [None if g is None or g.grad_fn is None else canonical_from_nodes(g.grad_fn) for g in grads], [
        None if g is None else [round(v, 5) for v in g.tolist()] for g in grads]


def test_create_graph_builds_pytorchs_nodes_for_x_cubed():
    # recorded from torch 2.13: grad * (3 * x.pow(2)), the Scalar product a MulBackward1
    (graph, _), _ = _double_backward_graphs(engine, "pow3")
    assert graph == [("MulBackward0", [(None, 0), (1, 0)]), ("MulBackward1", [(2, 0)]),
                     ("PowBackward0", [(3, 0)]), ("AccumulateGrad", [])]


@pytest.mark.parametrize("name", sorted(DOUBLE_BACKWARD))
def test_create_graph_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    assert _double_backward_graphs(engine, name) == _double_backward_graphs(torch, name)


def test_nodes_made_inside_a_module_name_it_by_its_attribute_path():
    class Net(engine.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = engine.nn.Linear(4, 8)
            self.act = engine.nn.ReLU()
            self.head = engine.nn.Sequential(engine.nn.Linear(8, 1))

        def forward(self, x):
            return self.head(self.act(self.fc1(x)))

    loss = Net()(engine.randn(5, 4)).sum()
    modules = {d["name"] + "@" + (d["module"] or {}).get("path", "-")
               for _, d in backward_graph(loss).nodes(data=True) if d.get("kind") == "function"}
    assert modules == {"SumBackward0@-", "AddmmBackward0@head.0", "TBackward0@head.0", "ReluBackward0@act",
                       "AddmmBackward0@fc1", "TBackward0@fc1"}
    fc1 = next(d["module"] for _, d in backward_graph(loss).nodes(data=True)
               if (d.get("module") or {}).get("path") == "fc1")
    assert fc1 == {"path": "fc1", "kind": "Linear", "settings": "in_features=4, out_features=8, bias=True"}


def test_saved_tensors_report_the_version_they_were_saved_at_and_the_version_now():
    x = engine.ones(2, requires_grad=True)
    z = x.exp()
    w = z * z
    z.add_(1)  # (exp saved its result, mul saved z twice: all changed since)
    versions = {d["name"]: d["saved_versions"] for _, d in backward_graph(w).nodes(data=True)
                if d.get("kind") == "function"}
    assert versions == {"MulBackward0": {"self": (0, 1), "other": (0, 1)}, "ExpBackward0": {"result": (0, 1)}}
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()
