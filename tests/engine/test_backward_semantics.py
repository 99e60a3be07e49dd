"""What the backward pass must keep: gradients accumulated in place (visible through a held `.grad`), scalar
accumulation, in-place type errors, hooks registered late in a process, whole sums' zeros, stable tensor
ids and output links, next_functions as PyTorch's pairs, and the same bits with or without hooks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import engine


def test_two_paths_into_one_large_leaf_sum_to_numpys_gradient():
    rng = np.random.default_rng(3)
    a0 = rng.standard_normal((300, 200)).astype(np.float32)
    b0 = rng.standard_normal((300, 200)).astype(np.float32)
    a = engine.tensor(a0, requires_grad=True)
    b = engine.tensor(b0, requires_grad=True)
    loss = (a * b + a.tanh() * 3 - (a - b) ** 2).sum()
    loss.backward()
    d = a0 - b0
    want_a = b0 + 3 * (1 - np.tanh(a0) ** 2) - 2 * d
    want_b = a0 + 2 * d
    np.testing.assert_allclose(a.grad.numpy(), want_a, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), want_b, rtol=1e-5, atol=1e-5)
    # the stolen buffer is the leaf's own: a second backward adds into it, visible through a held reference
    held = a.grad
    (a * 2).sum().backward()
    np.testing.assert_allclose(held.numpy(), want_a + 2, rtol=1e-5, atol=1e-5)


def test_zero_dim_accumulation_is_visible_through_a_held_reference():
    x = engine.tensor(2.0, requires_grad=True)
    (x * x).backward()
    held = x.grad
    (x * 3).backward()
    assert held is x.grad
    assert held.item() == 7.0
    x.grad.zero_()
    (x * x * x).backward()
    assert held.item() == 12.0


def test_in_place_division_of_an_int_tensor_keeps_pytorchs_error():
    t = engine.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        t /= 2
    t += 1  # int + int stays allowed
    assert t.tolist() == [2, 3, 4]


def test_hooks_registered_after_backward_passes_in_a_fresh_process_still_run():
    program = textwrap.dedent("""
        import engine as torch
        x = torch.tensor([1., 2.], requires_grad=True)
        for _ in range(3):
            (x * x).sum().backward()
        x.grad = None
        y = x * 3
        y.retain_grad()
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
        y.sum().backward()
        print(seen, x.grad.tolist(), y.grad.tolist())
    """)
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=root, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[[3.0, 3.0]] [30.0, 30.0] [1.0, 1.0]"


def test_a_whole_sum_of_negative_zeros_is_positive_zero_as_pytorchs_accumulators_start_at_plus_zero():
    for dtype in (engine.float32, engine.float64):
        for n in (3, 8, 40, 300, 1000, 4096):
            assert not np.signbit(engine.zeros(n, dtype=dtype).neg().sum().item())


def test_a_full_sum_takes_the_flat_path_and_matches_a_dim_by_dim_sum():
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((64, 10)).astype(np.float32)
    whole = engine.tensor(x0).sum()
    by_dims = engine.tensor(x0).sum(dim=(0, 1))  # (the general replay)
    assert whole.item() == by_dims.item()


def test_tensor_ids_are_given_on_request_unique_and_stable():
    from engine.graph import tensor_id

    a, b = engine.ones(2), engine.ones(2)
    first = tensor_id(a)
    assert tensor_id(a) == first
    assert tensor_id(b) != first


def test_next_functions_reads_as_pytorchs_pairs():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2 + engine.ones(2)).sum()
    add = y.grad_fn.next_functions[0][0]
    assert [type(n).__name__ if n is not None else None for n, _ in add.next_functions] == ["MulBackward0", None]
    assert all(nr == 0 for _, nr in add.next_functions)
    assert add.next_functions[0][0].next_functions[0][0].variable is x


def test_a_node_finds_its_output_while_the_output_lives():
    from engine.graph import backward_graph, capture, node_id

    x = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2
    y = h.tanh()
    assert y.grad_fn.output() is y
    node = (x * 5).grad_fn
    assert node.output() is None  # (a weak reference: the output is gone)
    g = backward_graph(y)
    assert g.nodes[node_id(y.grad_fn)]["shape"] == (3,)
    h.retain_grad()
    assert h.grad_fn.output() is h
    with capture():
        z = (x * 3).exp()
    assert z.grad_fn.output() is z and z.grad_fn.next_functions[0][0].output() is not None
    y.sum().backward()
    assert h.grad.tolist() == pytest.approx((1 - np.tanh(np.array([2.0, 4.0, 6.0])) ** 2).tolist(), abs=1e-6)


def test_a_gradient_summed_down_to_a_zero_dim_leaf_is_an_array_of_its_own():
    x = engine.tensor(2.0, requires_grad=True)
    (x * engine.ones(3)).sum().backward()
    assert x.grad.shape == () and x.grad.item() == 3.0
    b = engine.zeros(4, requires_grad=True)
    (engine.ones(5, 4) + b).sum().backward()
    assert b.grad.tolist() == [5.0] * 4
    assert b.grad.numpy().flags.owndata and b.grad.numpy().flags.writeable


def test_a_leaf_gradient_expanded_from_a_sum_is_a_writeable_array_of_its_own():
    x = engine.ones(2, 3, requires_grad=True)
    (x + 1.0).sum().backward()  # (the sum's 1 reaches the leaf as a 0-d gradient: filled, not a view)
    assert x.grad.tolist() == [[1.0] * 3] * 2
    assert x.grad.numpy().flags.owndata and x.grad.numpy().flags.writeable
    x.grad.add_(1)  # in place, as in PyTorch
    (x * 2).sum().backward()
    assert x.grad.tolist() == [[4.0] * 3] * 2
    w = engine.ones(3, requires_grad=True)
    (engine.ones(2, 3) * w).sum().backward()  # (summed over the broadcast rows first)
    assert w.grad.tolist() == [2.0] * 3


def test_the_direct_sum_and_backward_paths_keep_hooks_grad_mode_and_dtypes():
    x = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    s = (x * x).sum()
    assert type(s.grad_fn).__name__ == "SumBackward0" and s.dtype == engine.float32
    s.backward()
    assert seen == [[2.0, 4.0, 6.0]] and x.grad.tolist() == [2.0, 4.0, 6.0]
    with engine.no_grad():
        t = x.sum()
    assert t.grad_fn is None and not t.requires_grad
    assert engine.tensor([1, 2]).sum().dtype == engine.int64
    y = x.sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 6.0, 8.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_python_number_is_cast_to_the_arrays_dtype_as_numpy_would(dtype):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 5)).astype(dtype)
    t = engine.tensor(a)
    for number in (1, 3, 0.1, -2.5, 1e-30, 7e30):
        assert (t * number).numpy().tobytes() == (a * number).tobytes()
        assert (t - number).numpy().tobytes() == (a - number).tobytes()
        assert (number - t).numpy().tobytes() == (number - a).tobytes()
        assert (t + number).numpy().tobytes() == (a + number).tobytes()
        assert (t * number).dtype == t.dtype


def test_mse_backward_keeps_pytorchs_products_for_an_incoming_gradient_other_than_one():
    F = engine.nn.functional
    x = engine.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
    y = engine.tensor([[0.0, 1.0], [1.0, 1.0]])
    (F.mse_loss(x, y) * 3).backward()
    alpha = np.float32(2.0 / 4)
    want = alpha * (x.detach().numpy() - y.numpy()) * np.float32(3)
    assert x.grad.numpy().tobytes() == want.astype(np.float32).tobytes()


def _plain_and_general_loop_grads(arrays, loss_of, hooked):
    """The leaves' gradient bytes without hooks, then with an identity hook on leaf `hooked`."""

    def grads(with_hook):
        leaves = [engine.tensor(a, requires_grad=True) for a in arrays]
        if with_hook:
            leaves[hooked].register_hook(lambda g: g)
        loss_of(*leaves).sum().backward()
        return [t.grad.numpy().tobytes() for t in leaves]

    return grads(False), grads(True)


def test_a_subtracted_gradient_is_folded_into_the_later_sum_with_the_same_bits():
    rng = np.random.default_rng(7)
    a0 = rng.standard_normal((50, 40)).astype(np.float32)
    b0 = rng.standard_normal((50, 40)).astype(np.float32)
    plain, general = _plain_and_general_loop_grads(
        [a0, b0], lambda a, b: (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2, hooked=1)
    assert plain == general
    b = engine.tensor(b0, requires_grad=True)
    ((b * 3) - b).sum().backward()  # (b waits with the folded minus until MulBackward0 sends 3)
    assert b.grad.numpy().tolist() == np.full((50, 40), 2.0, np.float32).tolist()


def test_gradients_handed_on_whole_are_never_summed_into_where_another_node_reads_them():
    rng = np.random.default_rng(9)
    x0 = rng.standard_normal((30, 20)).astype(np.float32)
    w0 = rng.standard_normal((30, 20)).astype(np.float32)

    def loss_of(x, w):
        h = x * w
        u = (h - 1) + (h + 2) * 3  # pass-through nodes with one edge, and one with two
        return (u - x) ** 2 + (w - u).exp() - (x + 1)

    plain, general = _plain_and_general_loop_grads([x0, w0], loss_of, hooked=0)
    assert plain == general
