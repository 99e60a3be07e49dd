"""Record PyTorch 2.13's descent paths and grid gradients for the descent demo's tests.

Every path is run the way `explorer.descent.demo.descent_path` runs it: float32 scalars a, b with requires_grad;
"sgd" is the seed's loop (`autograd.grad`, then `a -= lr * ga` under no_grad), "momentum" / "adam" use
torch.optim with zero_grad / backward / step. Each row holds the point, the loss there and the gradient,
including the last point (evaluated, not stepped). Grid records hold float64 values and the gradient autograd
returns over a small grid (one backward of the sum), for losses with and without detach().

The loss texts are this script's own fixed strings, evaluated with Python's eval against real torch.

    python tests/oracle/make_descent_records.py          # rewrite descent_records.json
    python tests/oracle/make_descent_records.py --check  # exit 1 if descent_records.json is not current
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

RECORDS_PATH = Path(__file__).with_name("descent_records.json")

SEED = "(a - 1)**2 + (b + 1)**2 + (a - b)**2"
SEED_DETACHED = "(a - 1)**2 + (b + 1)**2 + (a.detach() - b)**2"
B_DETACHED = "(a - 1)**2 + (b + 1)**2 + (a - b.detach())**2"
SMOOTH = "torch.log(1 + torch.exp(a - b)) + 0.5 * (a**2 + b**2) + torch.sin(3 * a) * 0.1"
SMOOTH_DETACHED = "torch.log(1 + torch.exp(a.detach() - b)) + 0.5 * (a**2 + b**2) + torch.sin(3 * a) * 0.1"
ONLY_A = "(a - 2)**2 + torch.tanh(a)"

# (name, loss, optimizer, lr, steps, start)
PATH_CASES = [
    ("seed_sgd", SEED, "sgd", 0.1, 100, (0.5, -0.5)),
    ("seed_detached_sgd", SEED_DETACHED, "sgd", 0.1, 100, (0.5, -0.5)),
    ("seed_momentum", SEED, "momentum", 0.05, 150, (0.5, -0.5)),
    ("seed_detached_momentum", SEED_DETACHED, "momentum", 0.05, 150, (0.5, -0.5)),
    ("seed_adam", SEED, "adam", 0.05, 300, (0.5, -0.5)),
    ("seed_detached_adam", SEED_DETACHED, "adam", 0.05, 300, (0.5, -0.5)),
    ("b_detached_sgd", B_DETACHED, "sgd", 0.1, 100, (0.5, -0.5)),
    ("smooth_sgd", SMOOTH, "sgd", 0.2, 80, (1.5, 1.0)),
    ("smooth_detached_adam", SMOOTH_DETACHED, "adam", 0.1, 80, (1.5, 1.0)),
    ("only_a_sgd", ONLY_A, "sgd", 0.1, 50, (0.0, 0.3)),
    # lr above 2 / (largest Hessian eigenvalue 6): |1 - 6 lr| > 1, the seed's loop blows up
    ("seed_sgd_unstable", SEED, "sgd", 0.5, 40, (0.5, -0.5)),
    ("seed_sgd_overflow", SEED, "sgd", 1.0, 80, (0.5, -0.5)),
]
MOMENTUM = 0.9
BETAS = (0.9, 0.999)

GRID_CASES = [
    ("seed", SEED),
    ("seed_detached", SEED_DETACHED),
    ("b_detached", B_DETACHED),
    ("smooth_detached", SMOOTH_DETACHED),
]
GRID_A = np.linspace(-1.0, 2.0, 5)
GRID_B = np.linspace(-2.0, 1.0, 4)


def number(value: float):
    """JSON has no inf/nan: keep them as strings the test turns back into floats."""
    return value if math.isfinite(value) else repr(value)


def run_path(torch, loss_text: str, optimizer: str, lr: float, steps: int, start) -> list[list]:
    a = torch.tensor(float(start[0])).requires_grad_()
    b = torch.tensor(float(start[1])).requires_grad_()
    if optimizer == "momentum":
        opt = torch.optim.SGD([a, b], lr=lr, momentum=MOMENTUM)
    elif optimizer == "adam":
        opt = torch.optim.Adam([a, b], lr=lr, betas=BETAS)
    else:
        opt = None
    code = compile(loss_text, "<loss>", "eval")
    rows = []
    for k in range(steps + 1):
        if opt is not None:
            opt.zero_grad()
        loss = eval(code, {"torch": torch, "a": a, "b": b})
        if opt is None:
            grads = torch.autograd.grad(loss, (a, b), allow_unused=True)
        else:
            loss.backward()
            grads = (a.grad, b.grad)
        ga, gb = (0.0 if g is None else float(g.item()) for g in grads)
        rows.append([k, number(a.item()), number(b.item()), number(loss.item()), number(ga), number(gb)])
        if not all(math.isfinite(v) for v in (a.item(), b.item(), loss.item(), ga, gb)) or k == steps:
            break
        if opt is None:
            with torch.no_grad():
                if grads[0] is not None:
                    a -= lr * grads[0]
                if grads[1] is not None:
                    b -= lr * grads[1]
        else:
            opt.step()
    return rows


def run_grid(torch, loss_text: str) -> dict:
    a_grid, b_grid = np.meshgrid(GRID_A, GRID_B)
    a = torch.tensor(a_grid, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b_grid, dtype=torch.float64, requires_grad=True)
    loss = eval(compile(loss_text, "<loss>", "eval"), {"torch": torch, "a": a, "b": b})
    ga, gb = torch.autograd.grad(loss.sum(), (a, b), allow_unused=True)
    zeros = torch.zeros_like(a)
    return dict(
        loss=loss.detach().tolist(),
        grad_a=(zeros if ga is None else ga).tolist(),
        grad_b=(zeros if gb is None else gb).tolist(),
    )


def make_records() -> dict:
    import torch

    paths = {}
    for name, loss_text, optimizer, lr, steps, start in PATH_CASES:
        rows = run_path(torch, loss_text, optimizer, lr, steps, start)
        a, b = rows[-1][1], rows[-1][2]
        end_text = f"{a:.06f} {b:.06f}" if isinstance(a, float) and isinstance(b, float) else None
        paths[name] = dict(loss=loss_text, optimizer=optimizer, lr=lr, steps=steps, start=list(start),
                           momentum=MOMENTUM, betas=list(BETAS), rows=rows, end_text=end_text)
    grids = {name: dict(loss_text=text, **run_grid(torch, text)) for name, text in GRID_CASES}
    return dict(torch_version=torch.__version__, grid_a=GRID_A.tolist(), grid_b=GRID_B.tolist(), paths=paths,
                grids=grids)


def main(argv: list[str]) -> int:
    text = json.dumps(make_records(), indent=1, sort_keys=True) + "\n"
    if "--check" in argv:
        current = RECORDS_PATH.read_text(encoding="utf-8") if RECORDS_PATH.exists() else ""
        if current != text:
            print(f"{RECORDS_PATH.name} is not current; run {Path(__file__).name}")
            return 1
        return 0
    RECORDS_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {len(PATH_CASES)} paths and {len(GRID_CASES)} grids to {RECORDS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
