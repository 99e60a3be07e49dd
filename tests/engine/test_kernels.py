"""The C kernels (engine/_kernels.pyx) against the numpy code each one replays: the same bits, on random
arrays of every size the engine sends them and on the special values (nan, inf, -0.0, overflow)."""

from __future__ import annotations

import numpy as np
import pytest

from engine import _native, ops, vjp_math

K = _native.kernels()
pytestmark = pytest.mark.skipif(K is None, reason="the C kernels are not compiled here")

SPECIAL = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 88.8, -104.0, 1e-40], np.float32)


def _bits(a) -> bytes:
    a = np.ascontiguousarray(a)
    return a.dtype.str.encode() + a.tobytes()


def _samples(seed: int, count: int, max_size: int):
    rng = np.random.default_rng(seed)
    for i in range(count):
        n = int(rng.integers(1, 70)) if i % 3 == 0 else int(rng.integers(1, max_size + 1))
        x = (rng.standard_normal(n) * 10 ** rng.uniform(-3, 3)).astype(np.float32)
        if i % 5 == 0:
            x[rng.integers(0, n, size=min(n, 3))] = rng.choice(SPECIAL, size=min(n, 3))
        yield x


def _numpy_twin(monkeypatch, module=ops):
    """Run the engine's numpy code with the kernels switched off."""
    monkeypatch.setattr(module, "_K", None)


@pytest.mark.parametrize(("name", "fn"), [("exp", np.exp), ("log", np.log), ("tanh", np.tanh), ("sin", np.sin),
                                          ("cos", np.cos), ("log1p", np.log1p)])
def test_unary_functions_round_as_the_float64_detour(name, fn):
    code = getattr(K, name.upper())
    for x in [*_samples(1, 300, ops.EXACT_ROUNDING_MAX), SPECIAL]:
        x = np.abs(x) if name == "log" else x
        with np.errstate(all="ignore"):
            want = fn(x.astype(np.float64)).astype(np.float32)
            got = K.unary_f32(x, code)
        if np.isnan(want).any():
            assert got is None  # (a nan: the caller runs numpy, whose nans may differ in sign from libm's)
        else:
            assert _bits(got) == _bits(want), (name, x)


def _same_as_numpy_twin(monkeypatch, functions, cases):
    """Each of ops' `functions` on each case gives the same bits with the kernels as without them."""
    with np.errstate(all="ignore"):
        fast = [[fn(x) for fn in functions] for x in cases]
        _numpy_twin(monkeypatch)
        for x, results in zip(cases, fast):
            for fn, result in zip(functions, results):
                assert _bits(result) == _bits(fn(x)), (fn.__name__, x)


def test_sigmoid_and_log_sigmoid_match_their_numpy_forms(monkeypatch):
    cases = [*_samples(2, 400, ops.EXACT_ROUNDING_MAX), SPECIAL, SPECIAL.reshape(1, -1)]
    _same_as_numpy_twin(monkeypatch, (ops._sigmoid_fwd, ops._log_sigmoid_fwd), cases)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_and_means_match_the_numpy_replay_of_pytorchs_order(monkeypatch, dtype):
    cases = [x.astype(dtype) for x in _samples(3, 400, ops.EXACT_ROUNDING_MAX)]
    cases += [x.reshape(2, -1) for x in cases if x.size % 2 == 0][:50]
    _same_as_numpy_twin(monkeypatch, (ops.torch_sum, ops.torch_mean), cases)


@pytest.mark.parametrize("n", [4097, 32768, 32769, 40000, 100_003])
def test_large_sums_keep_pytorchs_order(n):
    # above EXACT_ROUNDING_MAX the numpy engine sums in numpy's order, for speed; the kernel keeps PyTorch's:
    # above its grain one part per thread, each part a run of the numpy replay, then the parts in order from 0
    x = (np.random.default_rng(n).standard_normal(n) * 3).astype(np.float32)
    chunk = -(-n // ops._SUM_THREADS) if n > ops._SUM_GRAIN else n
    want = np.float32(0)
    for start in range(0, n, chunk):
        want = want + ops._rows_sum(x[start:start + chunk].reshape(1, -1))[0]
    assert _bits(ops.torch_sum(x)) == _bits(np.float32(want))


def test_kernels_leave_what_they_do_not_replay_to_numpy():
    # dim sums, keepdim, strided views and integers keep their numpy paths
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert ops._kernel_total(x, 0, False) is None
    assert ops._kernel_total(x, None, True) is None
    assert ops._kernel_total(x.T, None, False) is None
    assert ops._kernel_total(np.arange(5), None, False) is None
    assert ops._kernel_total(np.float32(2.0).reshape(()), None, False) is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_matrix_products_sum_in_order(monkeypatch, dtype):
    rng = np.random.default_rng(4)
    shapes = [tuple(int(v) for v in rng.integers(1, 24, 3)) for _ in range(300)] + [(1, 5, 3), (64, 32, 32)]
    cases = []
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        cases.append((a, b, vjp_math.matmul_in_order(a, b)))
    _numpy_twin(monkeypatch, vjp_math)
    for a, b, fast in cases:
        assert _bits(fast) == _bits(vjp_math.matmul_in_order(a, b)), (a.shape, b.shape)


def test_pytorch_agrees_on_large_sums():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(ops._SUM_THREADS)
    try:
        for n in (5000, 32769, 40000, 70001, 200_000):
            x = (np.random.default_rng(n).standard_normal(n) * 3).astype(np.float32)
            assert _bits(ops.torch_sum(x)) == _bits(torch.from_numpy(x).sum().numpy())
    finally:
        torch.set_num_threads(threads)
