"""Differential run: random lesson-style programs on PyTorch and on the engine, printed text compared.

    python tests/oracle/differential.py [--seed N] [--cases N] [--show N]

Needs torch==2.13.0 installed (the oracle). Each program builds one or two small tensors, applies a chain of
ops drawn from the lessons' vocabulary (element-wise math, reductions with dims, views, losses, softmax,
indexing, detach, retain_grad), then backward, autograd.grad or a vector-Jacobian product, and prints
values, grad_fn names and gradients. The programs are generated here, not typed by users, and run with
`exec` in this developer tool only (the explorer never executes text).

Mismatches are grouped: an error on one side only, a different error, or different printed text. Known
last-bit differences remain (PyTorch's vectorised exp/tanh inside fused kernels such as softmax round
differently from the engine's correctly rounded ones); everything else it has found was fixed and recorded
as an oracle record in make_records.py.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

UNARY = ["exp()", "log()", "sqrt()", "sin()", "cos()", "tanh()", "sigmoid()", "relu()", "abs()", "neg()", "sum()",
         "mean()", "max()", "min()", "norm()", "t()", "flatten()", "reshape(-1)", "unsqueeze(0)", "squeeze()",
         "clamp(min=0.1)", "clamp(max=0.5)", "pow(2)", "pow(0.5)", "pow(3)", "sum(0)", "sum(-1)", "mean(0)",
         "max(0)[0]", "softmax(0)", "log_softmax(-1)", "sum(dim=0, keepdim=True)", "norm(p=1)", "std()", "var()",
         "argmax()", "exp().log()", "T", "detach()", "clone()", "reciprocal()", "square()", "sign()"]
BINARY = ["a + b", "a - b", "a * b", "a / b", "a ** 2 + b", "a % 3 + b", "torch.maximum(a, b)", "torch.minimum(a, b)",
          "torch.where(a > b, a, b)", "a.clamp(-0.5, 0.5) * b", "(a * b).sum(-1)", "(a - b).abs().mean()",
          "(a * b).norm()", "a @ b.T if a.dim() == 2 and b.dim() == 2 else a * b", "F.relu(a) + F.sigmoid(b)",
          "torch.tanh(a) * b.exp()", "a.reshape(-1).sum() * b", "torch.cat([a.reshape(-1), b.reshape(-1)]) * 2",
          "torch.stack([a, a])", "a.unsqueeze(0) * b", "F.binary_cross_entropy_with_logits(a, torch.ones_like(a))",
          "F.softmax(a, -1) if a.dim() else a", "a.max(-1).values * 2 if a.dim() else a",
          "a.sum(0, keepdim=True) * b if a.dim() else a", "(a > 0).float() * a"]
SHAPES = [(), (3,), (1, 3), (2, 1), (2, 3), (3, 3)]
ENDINGS = [["y.sum().backward()"],
           ["print(torch.autograd.grad(y.sum(), a, retain_graph=True))", "y.sum().backward()"],
           ["y.backward(torch.ones_like(y))"]]


def program(rng: random.Random) -> str:
    values = np.random.default_rng(rng.randint(0, 10**9))
    a = np.round(values.uniform(-2, 2, size=rng.choice(SHAPES)), 2).tolist()
    b = np.round(values.uniform(0.2, 2, size=rng.choice(SHAPES)), 2).tolist()
    lines = [f"a = torch.tensor({a}, requires_grad=True)", f"b = torch.tensor({b}, requires_grad={rng.random() < 0.7})"]
    expr = rng.choice(BINARY) if rng.random() < 0.5 else "a"
    for _ in range(rng.randint(0 if expr != "a" else 1, 2)):
        expr = f"({expr}).{rng.choice(UNARY)}"
    lines += [f"y = {expr}", rng.choice(["", "y = y * 2", "y = y + y.detach()", "y.retain_grad()"]),
              "print(y)", "print(y.grad_fn)", *rng.choice(ENDINGS), "print(a.grad, b.grad)"]
    return "\n".join(lines) + "\n"


def run(module, code: str) -> tuple[str, str | None]:
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(code, "<case>", "exec"), {"torch": module, "F": module.nn.functional, "np": np})
        except Exception as exc:  # the error is part of what is compared
            error = f"{type(exc).__name__}: {exc}"
    return re.sub(r"0x[0-9a-f]+", "0x", out.getvalue()), error


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--show", type=int, default=5, help="how many mismatches to print in full")
    args = parser.parse_args(argv)
    import torch

    import engine

    torch.set_num_threads(1)
    rng = random.Random(args.seed)
    kinds: dict[str, int] = {}
    shown = 0
    for _ in range(args.cases):
        code = program(rng)
        want, got = run(torch, code), run(engine, code)
        if want == got:
            continue
        kind = ("error on one side" if (want[1] is None) != (got[1] is None)
                else "different error" if want[1] != got[1] else "different text")
        kinds[kind] = kinds.get(kind, 0) + 1
        if shown < args.show:
            shown += 1
            print(f"=== {kind}\n{code}--- torch\n{want[0]}{want[1] or ''}\n--- engine\n{got[0]}{got[1] or ''}\n")
    print(f"{args.cases} programs, {sum(kinds.values())} mismatches: {kinds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
