"""Time the descent demo's surface: one engine pass over a 200 x 200 grid against hand-written numpy.

Both sides compute the seed's loss l = (a-1)^2 + (b+1)^2 + (a-b)^2 and its gradient at every grid point.
The engine side is `explorer.descent.demo.grid_pass` (parse once, then grid tensors, one forward, one backward of
the sum); the numpy side writes the loss and the two partial derivatives out by hand. Also timed: the
detached variant, a loss with exp/sin, the full `build_demo` (two grid passes, two paths, fixed points)
and the two figures.

Run: python benchmarks/descent_surface_bench.py   Prints milliseconds (best of N) and ratios; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.descent import DEFAULT_DETACHED_LOSS, DEFAULT_LOSS
from explorer.descent.demo import Grid, build_demo, grid_pass
from explorer.descent.figures import contour_figure, surface_figure
from explorer.descent.loss import parse_loss

SMOOTH = "torch.log(1 + torch.exp(a - b)) + 0.5 * (a**2 + b**2) + torch.sin(3 * a) * 0.1"


def best_ms(func, repeat: int = 30) -> float:
    func()  # warm caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return 1e3 * min(times)


def numpy_seed(grid: Grid):
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    loss = (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2
    return loss, 2 * (a - 1) + 2 * (a - b), 2 * (b + 1) - 2 * (a - b)


def numpy_smooth(grid: Grid):
    a, b = np.meshgrid(grid.a_axis, grid.b_axis)
    e = np.exp(a - b)
    loss = np.log(1 + e) + 0.5 * (a**2 + b**2) + np.sin(3 * a) * 0.1
    s = e / (1 + e)
    return loss, s + a + 0.3 * np.cos(3 * a), -s + b


def main() -> None:
    grid = Grid(-1.0, 2.0, -2.0, 1.0, 200, 200)
    seed, detached, smooth = parse_loss(DEFAULT_LOSS), parse_loss(DEFAULT_DETACHED_LOSS), parse_loss(SMOOTH)

    # same numbers on both sides before timing anything
    engine_pass, by_hand = grid_pass(seed, grid), numpy_seed(grid)
    for got, expected in zip((engine_pass.loss, engine_pass.grad_a, engine_pass.grad_b), by_hand):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    smooth_pass, smooth_hand = grid_pass(smooth, grid), numpy_smooth(grid)
    for got, expected in zip((smooth_pass.loss, smooth_pass.grad_a, smooth_pass.grad_b), smooth_hand):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)

    rows = [
        ("seed loss", best_ms(lambda: grid_pass(seed, grid)), best_ms(lambda: numpy_seed(grid))),
        ("seed loss with a.detach()", best_ms(lambda: grid_pass(detached, grid)),
         best_ms(lambda: numpy_seed(grid))),
        ("log/exp/sin loss", best_ms(lambda: grid_pass(smooth, grid)), best_ms(lambda: numpy_smooth(grid))),
    ]
    print("200 x 200 grid, loss and gradient at every point (float64), best of 30:")
    print(f"{'loss':<28}{'engine pass ms':>16}{'numpy ms':>12}{'ratio':>8}")
    for name, engine_ms, numpy_ms in rows:
        print(f"{name:<28}{engine_ms:>16.2f}{numpy_ms:>12.2f}{engine_ms / numpy_ms:>8.1f}")

    demo_grid = Grid(n_a=200, n_b=200)
    demo_ms = best_ms(lambda: build_demo(grid=demo_grid), repeat=5)
    demo = build_demo(grid=demo_grid)
    contour_ms = best_ms(lambda: contour_figure(demo), repeat=3)
    surface_ms = best_ms(lambda: surface_figure(demo), repeat=3)
    print(f"build_demo (2 grid passes, 2 paths of 100 steps, fixed points), 200 x 200: {demo_ms:.1f} ms")
    print(f"contour_figure with 101 frames: {contour_ms:.1f} ms; surface_figure: {surface_ms:.1f} ms")


if __name__ == "__main__":
    main()
