"""Behaviour the engine's fast paths must keep: in-place gradient buffers, scalar accumulation, in-place type
errors, and hooks registered late in a process."""

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
