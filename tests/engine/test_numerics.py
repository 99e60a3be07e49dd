"""engine.numerics: PyTorch's float32 rounding and summation orders, replayed with numpy.

The vectorised replays are checked bit for bit against the plain loops they stand for, and, where torch is
installed, the results against PyTorch 2.13 itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import numerics


def _same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


def _samples(rng, shape, dtype):
    yield rng.standard_normal(shape).astype(dtype)
    yield (rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape)).astype(dtype)
    yield rng.choice([0.0, -0.0, 1e-30, -1e30, 1e30, 3.0], shape).astype(dtype)


def _multi_row_sum_loop(rows):
    """PyTorch's multi_row_sum as its loop reads: running sums of 2**p rows from +0.0, carried up 4 levels."""
    size = rows.shape[0]
    power = max(4, (0 if size <= 1 else (size - 1).bit_length()) // 4)
    step = 1 << power
    zero = np.zeros(rows.shape[1:], rows.dtype)
    acc = [zero] * 4
    i = 0
    while i + step <= size:
        block = zero
        for row in rows[i:i + step]:
            block = block + row
        acc[0] = acc[0] + block if i else block  # (acc[0] is zero here: +0.0 + block)
        i += step
        for j in range(1, 4):
            acc[j] = acc[j] + acc[j - 1]
            acc[j - 1] = zero
            if i & ((step - 1) << (j * power)):
                break
    for row in rows[i:]:
        acc[0] = acc[0] + row
    total = acc[0]
    for j in range(1, 4):
        total = total + acc[j]
    return total


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_levelled_sum_replays_the_multi_row_loop_to_the_bit(dtype):
    rng = np.random.default_rng(0)
    for size in [*range(1, 70), 127, 128, 129, 200, 255, 256, 257, 300]:
        for width in ((1,), (3,), (8,), (2, 5)):
            for rows in _samples(rng, (size, *width), dtype):
                for layout in (rows, np.ascontiguousarray(rows.T).T):  # (a transposed memory order too)
                    assert _same_bits(numerics._levelled_sum(layout), _multi_row_sum_loop(layout)), (size, width)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_whole_sum_in_a_few_calls_is_the_row_replay(dtype):
    rng = np.random.default_rng(1)
    lanes = numerics.SUM_VECTOR_BYTES // np.dtype(dtype).itemsize
    for n in [*range(lanes, 90), 255, 256, 257, 640, 1000, 1023, 1024, 2047, 2048, 2049, 4095, 4096]:
        for flat in _samples(rng, n, dtype):
            assert _same_bits(numerics._flat_sum(flat), numerics._rows_sum(flat.reshape(1, -1))[0]), n
    for n in (8, 40, 300, 1000, 4096):  # all -0.0: PyTorch's accumulators start at +0.0
        assert not np.signbit(numerics.torch_sum(-np.zeros(n, dtype)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_matrix_summed_over_one_dim_is_the_general_replay(dtype):
    rng = np.random.default_rng(2)
    for shape in ((3, 64), (32, 64), (5, 3), (64, 10), (7, 130), (17, 17), (300, 3)):
        for x in _samples(rng, shape, dtype):
            for axis in (0, 1):
                # (a leading dim of 1 sends the same sum through the general n-d replay)
                general = numerics.torch_sum(x[None], axis + 1)[0]
                assert _same_bits(numerics.torch_sum(x, axis), general), (shape, axis)
                assert _same_bits(numerics.torch_sum(x, (axis,), True), np.expand_dims(general, axis))


def test_small_products_sum_in_order_and_large_ones_go_to_blas():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((4, 7)).astype(np.float32), rng.standard_normal((7, 5)).astype(np.float32)
    running = np.zeros((4, 5), np.float32)
    for k in range(7):
        running = running + a[:, k:k + 1] * b[k]
    assert _same_bits(numerics.matmul_in_order(a, b), running)
    big_a, big_b = rng.standard_normal((32, 20)).astype(np.float32), rng.standard_normal((20, 64)).astype(np.float32)
    assert _same_bits(numerics.matmul_in_order(big_a, big_b), big_a @ big_b)


# ---------------------------------------------------------------- against PyTorch itself
@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_agree_with_pytorch(torch, dtype):
    rng = np.random.default_rng(4)
    for shape in ((3,), (7,), (8,), (100,), (640,), (4096,), (5, 3), (32, 64), (64, 10), (4, 4, 5), (2, 3, 4, 5)):
        for axis in (None, 0, -1, (0, -1)) if len(shape) > 1 else (None, 0, -1):
            for x in _samples(rng, shape, dtype):
                want = (torch.from_numpy(x).sum() if axis is None else torch.from_numpy(x).sum(axis)).numpy()
                assert _same_bits(numerics.torch_sum(x, axis), want), (shape, axis)


def test_float32_functions_round_as_pytorch_far_more_often_than_numpys_loops(torch):
    # (PyTorch's vectorised kernels are accurate to 1 ulp, not correctly rounded: 91-99.9% agreement is as close
    # as correct rounding gets; numpy's own float32 loops agreed on 61-94% when this was written)
    x = np.random.default_rng(5).uniform(0.01, 4.0, 4096).astype(np.float32)
    for ours, theirs, numpys in ((numerics.exp, torch.exp, np.exp), (numerics.log, torch.log, np.log),
                                 (numerics.tanh, torch.tanh, np.tanh), (numerics.log1p, torch.log1p, np.log1p),
                                 (numerics.sigmoid, torch.sigmoid, lambda v: 1 / (1 + np.exp(-v)))):
        want = theirs(torch.from_numpy(x)).numpy()
        agree, numpy_agree = (ours(x) == want).mean(), (numpys(x) == want).mean()
        assert agree >= 0.9 and agree > numpy_agree, (ours.__name__, agree, numpy_agree)


def test_vector_matrix_products_agree_with_pytorch(torch):
    rng = np.random.default_rng(6)
    for k in (2, 3, 5, 9, 16, 33):
        for n in (1, 3, 8, 13):
            a = rng.standard_normal((1, k)).astype(np.float32)
            b = rng.standard_normal((k, n)).astype(np.float32)
            assert _same_bits(numerics.matmul_in_order(a, b), torch.from_numpy(a).mm(torch.from_numpy(b)).numpy())


def test_short_rows_of_matrix_vector_products_agree_with_pytorch(torch):
    rng = np.random.default_rng(8)
    for _ in range(200):
        m, k = int(rng.integers(1, 300)), int(rng.integers(1, numerics.MV_IN_ORDER_MAX_K + 1))
        a, v = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal(k).astype(np.float32)
        assert _same_bits(numerics.mv_in_order(a, v), torch.from_numpy(a).mv(torch.from_numpy(v)).numpy()), (m, k)


def test_fused_add_agrees_with_pytorch(torch):
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        x, y = rng.standard_normal(1000).astype(dtype), rng.standard_normal(1000).astype(dtype)
        for alpha in (0.1, -0.3, 2.5):
            want = torch.from_numpy(x).add(torch.from_numpy(y), alpha=alpha).numpy()
            assert _same_bits(numerics.add_scaled(x, y, alpha), want)
