"""cat and stack: ops over any number of tensors, one next_functions slot each. Their specs are made per count
of inputs (engine.ops.joined_op), outside the fixed-signature registry, so their gradient checks live here:
float64 central differences, second derivatives through create_graph, formulas, the graph views and the trace.
PyTorch's values, names and errors for them are in tests/oracle/records.json (group "joining")."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import backward_trace
from engine.graph import backward_graph, capture, forward_graph
from engine.ops import joined_op

RNG = np.random.default_rng(21)

CASES = [
    # (kind, shapes, dim)
    ("cat", [(2,), (3,), (1,)], 0),
    ("cat", [(2, 3), (4, 3)], 0),
    ("cat", [(2, 3), (2, 1), (2, 2)], 1),
    ("cat", [(2, 3, 2), (2, 1, 2)], -2),
    ("stack", [(3,), (3,)], 0),
    ("stack", [(2, 3), (2, 3), (2, 3)], 1),
    ("stack", [(2, 3), (2, 3)], -1),
    ("stack", [(), (), ()], 0),
]


def _join(kind, arrays, dim, requires_grad=True):
    tensors = [engine.tensor(a, requires_grad=requires_grad) for a in arrays]
    return tensors, getattr(engine, kind)(tensors, dim=dim)


def _value(kind, arrays, dim):
    with engine.no_grad():
        return _join(kind, arrays, dim, requires_grad=False)[1].numpy()


@pytest.mark.parametrize(("kind", "shapes", "dim"), CASES, ids=str)
def test_vjps_match_central_differences(kind, shapes, dim):
    arrays = [RNG.standard_normal(s) for s in shapes]
    tensors, out = _join(kind, arrays, dim)
    assert type(out.grad_fn).__name__ == {"cat": "CatBackward0", "stack": "StackBackward0"}[kind]
    assert len(out.grad_fn.next_functions) == len(shapes)
    cotangent = RNG.standard_normal(out.shape)
    out.backward(engine.tensor(cotangent))
    directions = [RNG.standard_normal(s) for s in shapes]
    eps = 1e-6
    plus = _value(kind, [a + eps * d for a, d in zip(arrays, directions)], dim)
    minus = _value(kind, [a - eps * d for a, d in zip(arrays, directions)], dim)
    numeric = float(np.sum(cotangent * (plus - minus) / (2 * eps)))
    analytic = sum(float(np.sum(t.grad.numpy() * d)) for t, d in zip(tensors, directions))
    assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-7)
    for t, s in zip(tensors, shapes):
        assert tuple(t.grad.shape) == s


@pytest.mark.parametrize(("kind", "shapes", "dim"), CASES[:2] + CASES[4:6], ids=str)
def test_second_derivatives_through_create_graph(kind, shapes, dim):
    arrays = [RNG.standard_normal(s) for s in shapes]

    def first_order(xs, create_graph=False):
        tensors = [engine.tensor(a, requires_grad=True) for a in xs]
        out = getattr(engine, kind)([t * t for t in tensors], dim=dim)  # (a VJP that depends on the input)
        grads = engine.autograd.grad(out.exp().sum(), tensors, create_graph=create_graph)
        return tensors, sum((g * g).sum() for g in grads)

    tensors, total = first_order(arrays, create_graph=True)
    second = engine.autograd.grad(total, tensors)
    directions = [RNG.standard_normal(s) for s in shapes]
    analytic = sum(float(np.sum(g.numpy() * d)) for g, d in zip(second, directions))
    eps = 1e-6
    plus = first_order([a + eps * d for a, d in zip(arrays, directions)])[1].item()
    minus = first_order([a - eps * d for a, d in zip(arrays, directions)])[1].item()
    assert analytic == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-6)


def test_inputs_without_grad_and_mixed_dtypes_get_none_slots_and_their_own_dtype():
    x = engine.ones(2, requires_grad=True)
    y = engine.tensor([5.0], dtype=engine.float64)
    z = engine.cat([x, y, x * 2])
    assert z.dtype == engine.float64
    assert [n is None for n, _ in z.grad_fn.next_functions] == [False, True, False]
    (z * engine.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=engine.float64)).sum().backward()
    assert x.grad.dtype == engine.float32
    assert x.grad.tolist() == [1.0 + 8.0, 2.0 + 10.0]


def test_specs_are_made_once_per_count_and_describe_themselves():
    assert joined_op("cat", 3) is joined_op("cat", 3)
    assert joined_op("cat", 2) is not joined_op("cat", 3)
    for spec in (joined_op("cat", 2), joined_op("stack", 4)):
        assert spec.formula and spec.latex
        assert len(spec.backward_formulas) == len(spec.inputs) == len(spec.vjps) == len(spec.backward_latex)


def test_graph_views_and_trace_show_one_slot_per_tensor():
    a = engine.tensor([1.0, 2.0], requires_grad=True)
    b = engine.tensor([3.0], requires_grad=True)
    with capture():
        c = engine.cat([a * 2, b])
        loss = (c * c).sum()
    bg = backward_graph(loss)
    cat_nodes = [d for _, d in bg.nodes(data=True) if d.get("name") == "CatBackward0"]
    assert len(cat_nodes) == 1 and cat_nodes[0]["formula"] == "result = cat(tensors, dim)"
    assert cat_nodes[0]["shape"] == (3,)
    fg = forward_graph(loss)
    op = next(n for n, d in fg.nodes(data=True) if d.get("name") == "CatBackward0")
    assert fg.in_degree(op) == 2
    with backward_trace.record() as rec:
        loss.backward()
    event = next(e for e in rec.passes[0].events if e.kind == "run" and e.name == "CatBackward0")
    assert [g.tolist() for g in event.grads_out] == [[4.0, 8.0], [6.0]]
    assert a.grad.tolist() == [8.0, 16.0] and b.grad.tolist() == [6.0]
