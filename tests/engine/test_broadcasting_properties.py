"""Property tests: broadcasting in the forward pass is undone exactly in the backward pass.

For random broadcastable shape pairs, the gradient of each input of add/sub/mul/div/maximum has that input's
shape and equals numpy's reduction of the full broadcast gradient; random reshape/transpose/index chains
give gradients of the leaf's shape that scatter the upstream gradient back to where each element came from.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import engine

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def broadcastable_pair(draw):
    """Two shapes that broadcast: one common shape, each side dropping leading dims or setting dims to 1."""
    ndim = draw(st.integers(0, 4))
    full = draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))

    def side():
        lead = draw(st.integers(0, ndim))
        dims = full[lead:]
        return tuple(1 if draw(st.booleans()) else n for n in dims)

    return side(), side()


def _sum_to(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """numpy's reduction of a broadcast gradient: sum the leading dims, then every dim the input had as 1."""
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


# the local derivative of each op with respect to each input, on the broadcast arrays
LOCAL = {
    "add": (lambda a, b: np.ones_like(a + b), lambda a, b: np.ones_like(a + b)),
    "sub": (lambda a, b: np.ones_like(a + b), lambda a, b: -np.ones_like(a + b)),
    "mul": (lambda a, b: b + 0 * a, lambda a, b: a + 0 * b),
    "div": (lambda a, b: 1 / b + 0 * a, lambda a, b: -a / (b * b)),
    "maximum": (lambda a, b: (a > b) + 0.0, lambda a, b: (b > a) + 0.0),
}
OPS = {"add": engine.add, "sub": engine.sub, "mul": engine.mul, "div": engine.div, "maximum": engine.maximum}


@SETTINGS
@given(shapes=broadcastable_pair(), op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_gradients_of_broadcast_binary_ops(shapes, op, seed):
    rng = np.random.default_rng(seed)
    a_shape, b_shape = shapes
    a = rng.uniform(0.5, 2.0, a_shape) * rng.choice([-1.0, 1.0], a_shape)
    b = rng.uniform(0.5, 2.0, b_shape) * rng.choice([-1.0, 1.0], b_shape)
    if op == "maximum":  # no ties: the derivative is 1 on the winner only
        b = b + 0.25 * np.sign(b)
    x = engine.tensor(a, dtype=engine.float64, requires_grad=True)
    y = engine.tensor(b, dtype=engine.float64, requires_grad=True)
    out = OPS[op](x, y)
    upstream = rng.standard_normal(out.shape)
    out.backward(engine.tensor(upstream))

    assert out.shape == np.broadcast_shapes(a_shape, b_shape)
    assert x.grad.shape == a_shape and y.grad.shape == b_shape
    da, db = LOCAL[op]
    np.testing.assert_allclose(x.grad.numpy(), _sum_to(upstream * da(a, b), a_shape), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), _sum_to(upstream * db(a, b), b_shape), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(shapes=broadcastable_pair(), op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_summed_broadcast_op_gradient_and_accumulation(shapes, op, seed):
    # .sum() hands the op a gradient expanded from a scalar; both inputs must still get their own sums
    rng = np.random.default_rng(seed)
    a_shape, b_shape = shapes
    a = rng.uniform(0.5, 2.0, a_shape)
    b = rng.uniform(0.5, 2.0, b_shape) + (0.25 if op == "maximum" else 0.0)
    x = engine.tensor(a, dtype=engine.float64, requires_grad=True)
    y = engine.tensor(b, dtype=engine.float64, requires_grad=True)
    out = OPS[op](x, y).sum()
    out.backward(retain_graph=True)
    da, db = LOCAL[op]
    np.testing.assert_allclose(x.grad.numpy(), _sum_to(da(a, b), a_shape), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), _sum_to(db(a, b), b_shape), rtol=1e-12)
    out.backward()  # a second pass adds the same gradient again
    assert x.grad.shape == a_shape and y.grad.shape == b_shape
    np.testing.assert_allclose(x.grad.numpy(), 2 * _sum_to(da(a, b), a_shape), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), 2 * _sum_to(db(a, b), b_shape), rtol=1e-12)


@st.composite
def shape_op_chain(draw):
    """A leaf shape and a chain of shape ops valid at each step, applied to the running shape."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    steps = []
    current = shape
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["reshape", "transpose", "index", "slice", "unsqueeze", "flatten"]))
        if kind == "reshape":
            n = int(np.prod(current))
            divisors = [d for d in range(1, n + 1) if n % d == 0]
            first = draw(st.sampled_from(divisors))
            new = (first, n // first)
            steps.append(("reshape", new))
            current = new
        elif kind == "transpose" and len(current) >= 2:
            d0, d1 = draw(st.permutations(range(len(current))))[:2]
            steps.append(("transpose", (d0, d1)))
            dims = list(current)
            dims[d0], dims[d1] = dims[d1], dims[d0]
            current = tuple(dims)
        elif kind == "index" and len(current) >= 2:
            i = draw(st.integers(-current[0], current[0] - 1))
            steps.append(("index", i))
            current = current[1:]
        elif kind == "slice":
            dim = draw(st.integers(0, len(current) - 1))
            start = draw(st.integers(0, current[dim] - 1))
            step = draw(st.integers(1, 2))
            steps.append(("slice", (dim, start, step)))
            dims = list(current)
            dims[dim] = len(range(start, current[dim], step))
            current = tuple(dims)
        elif kind == "unsqueeze":
            dim = draw(st.integers(0, len(current)))
            steps.append(("unsqueeze", dim))
            current = (*current[:dim], 1, *current[dim:])
        elif kind == "flatten":
            steps.append(("flatten", None))
            current = (int(np.prod(current)),)
    return shape, steps


def _apply_chain(x, steps, module):
    """Run the chain on an engine tensor or (module=np) on a numpy array of positions."""
    for kind, arg in steps:
        if kind == "reshape":
            x = x.reshape(arg) if module is np else x.reshape(*arg)
        elif kind == "transpose":
            x = np.swapaxes(x, *arg) if module is np else x.transpose(*arg)
        elif kind == "index":
            x = x[arg]
        elif kind == "slice":
            dim, start, step = arg
            x = x[(slice(None),) * dim + (slice(start, None, step),)]
        elif kind == "unsqueeze":
            x = np.expand_dims(x, arg) if module is np else x.unsqueeze(arg)
        elif kind == "flatten":
            x = x.reshape(-1) if module is np else x.flatten()
    return x


@SETTINGS
@given(chain=shape_op_chain(), seed=st.integers(0, 2**16))
def test_shape_op_chains_scatter_the_gradient_back(chain, seed):
    shape, steps = chain
    rng = np.random.default_rng(seed)
    x = engine.tensor(rng.standard_normal(shape), dtype=engine.float64, requires_grad=True)
    out = _apply_chain(x, steps, engine)
    # where each output element came from, by running the same chain on the leaf's flat positions
    positions = _apply_chain(np.arange(int(np.prod(shape))).reshape(shape), steps, np)
    assert tuple(out.shape) == positions.shape
    np.testing.assert_array_equal(out.detach().numpy(), x.detach().numpy().reshape(-1)[positions])

    upstream = rng.standard_normal(positions.shape)
    out.backward(engine.tensor(upstream, dtype=engine.float64))
    expected = np.zeros(int(np.prod(shape)))
    np.add.at(expected, positions.reshape(-1), upstream.reshape(-1))
    assert x.grad.shape == shape
    np.testing.assert_allclose(x.grad.numpy(), expected.reshape(shape), rtol=0, atol=0)
