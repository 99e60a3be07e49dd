"""The descent demo against PyTorch 2.13: stored records (tests/oracle/descent_records.json) and a live check.

Paths built from + - * ** only are compared exactly (float32 arithmetic is the same on both sides); paths
through exp / log / sin / tanh or Adam's update may differ in the last float32 bit per step, so they are
compared to a relative 1e-5.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from explorer.descent.demo import Grid, descent_path, grid_pass

RECORDS_PATH = Path(__file__).parents[2] / "oracle" / "descent_records.json"
RECORDS = json.loads(RECORDS_PATH.read_text(encoding="utf-8"))
EXACT = {"seed_sgd", "seed_detached_sgd", "seed_momentum", "seed_detached_momentum", "b_detached_sgd",
         "seed_sgd_unstable", "seed_sgd_overflow"}


def rows_of(path) -> np.ndarray:
    return np.array([[s.index, s.a, s.b, s.loss, s.grad_a, s.grad_b] for s in path.steps], dtype=np.float64)


def recorded(rows) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def test_the_records_come_from_torch_2_13():
    assert RECORDS["torch_version"].startswith("2.13.0")
    assert len(RECORDS["paths"]) == 12 and len(RECORDS["grids"]) == 4


@pytest.mark.parametrize("name", sorted(RECORDS["paths"]))
def test_paths_match_pytorch(name):
    case = RECORDS["paths"][name]
    path = descent_path(case["loss"], tuple(case["start"]), case["lr"], case["steps"], case["optimizer"],
                        momentum=case["momentum"], betas=tuple(case["betas"]))
    got, expected = rows_of(path), recorded(case["rows"])
    assert got.shape == expected.shape
    if name in EXACT:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    if case["end_text"] is not None and name in EXACT:
        assert path.end_text() == case["end_text"]


def test_the_seed_end_points_are_the_printed_ones():
    assert RECORDS["paths"]["seed_sgd"]["end_text"] == "0.333333 -0.333333"
    assert RECORDS["paths"]["seed_detached_sgd"]["end_text"] == "1.000000 -0.000000"
    assert RECORDS["paths"]["seed_adam"]["end_text"] == "0.333333 -0.333333"
    assert RECORDS["paths"]["seed_detached_adam"]["end_text"] == "1.000000 0.000000"


def test_the_overflowing_path_stops_where_pytorch_stops_being_finite():
    case = RECORDS["paths"]["seed_sgd_overflow"]
    last = [float(v) for v in case["rows"][-1]]
    assert not all(math.isfinite(v) for v in last)
    path = descent_path(case["loss"], tuple(case["start"]), case["lr"], case["steps"], case["optimizer"])
    assert path.stop.key == "descent.diverged" and path.updates == len(case["rows"]) - 1


@pytest.mark.parametrize("name", sorted(RECORDS["grids"]))
def test_grid_values_and_autograd_fields_match_pytorch(name):
    case = RECORDS["grids"][name]
    a_axis, b_axis = RECORDS["grid_a"], RECORDS["grid_b"]
    grid = Grid(a_axis[0], a_axis[-1], b_axis[0], b_axis[-1], len(a_axis), len(b_axis))
    gp = grid_pass(case["loss_text"], grid)
    np.testing.assert_allclose(gp.loss, case["loss"], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(gp.grad_a, case["grad_a"], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(gp.grad_b, case["grad_b"], rtol=1e-14, atol=1e-14)


def test_live_grid_pass_against_torch():
    torch = pytest.importorskip("torch")
    text = "torch.sigmoid(a * b) * (a - 0.5)**2 + (b.detach() + 1) * b.abs() + torch.cos(a) / (1 + b**2)"
    grid = Grid(-1.5, 1.5, -1.0, 2.0, 23, 19)
    gp = grid_pass(text, grid)
    a_grid, b_grid = np.meshgrid(grid.a_axis, grid.b_axis)
    a = torch.tensor(a_grid, requires_grad=True)
    b = torch.tensor(b_grid, requires_grad=True)
    loss = eval(compile(text, "<loss>", "eval"), {"torch": torch, "a": a, "b": b})  # our own fixed text
    ga, gb = torch.autograd.grad(loss.sum(), (a, b))
    np.testing.assert_allclose(gp.loss, loss.detach().numpy(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(gp.grad_a, ga.numpy(), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(gp.grad_b, gb.numpy(), rtol=1e-13, atol=1e-13)
