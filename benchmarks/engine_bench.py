"""Engine speed, measured side by side in one run: engine vs PyTorch 2.13 (CPU, 1 thread, when installed)
vs hand-written numpy forward+backward. Batches are interleaved so machine noise hits all rivals alike; the
median over batches is reported. Run: python benchmarks/engine_bench.py [--quick]"""

from __future__ import annotations

import os

# One BLAS thread for numpy (engine and hand-written numpy alike) as for PyTorch: on a shared 2-core machine
# a second BLAS thread mostly measures contention. Must be set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the benchmark still reports engine vs numpy
    torch = None

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import engine  # noqa: E402

# The engine's graphs are Python objects, which the cyclic garbage collector walks together with every object
# alive in the process; here that includes torch's ~140,000 module objects, which a process running only the
# engine does not carry. Like the explorer's sandbox workers (which freeze what they loaded before forking),
# the benchmark moves what is loaded now out of the collector's reach. `--no-freeze` measures without.
FREEZE = "--no-freeze" not in sys.argv
if FREEZE:
    gc.freeze()


# ---------------------------------------------------------------- workloads: (engine, torch, numpy) callables
def seed_bce(lib):
    F = lib.nn.functional
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.ones(5, 3) * 0.1
    w.requires_grad_(True)
    b = lib.zeros(3, requires_grad=True)

    def step():
        z = lib.matmul(x, w) + b
        loss = F.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        w.grad = None
        b.grad = None

    return step


def seed_bce_numpy():
    x = np.ones(5, np.float32)
    y = np.zeros(3, np.float32)
    w = np.full((5, 3), 0.1, np.float32)
    b = np.zeros(3, np.float32)

    def step():
        z = x @ w + b
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        s = 1 / (1 + np.exp(-z))
        gz = (s - y) / 3
        return loss, np.outer(x, gz), gz

    return step


def scalar_chain(lib, n_nodes=750):
    steps = n_nodes // 3

    def step():
        x = lib.tensor(0.5, requires_grad=True)
        y = x
        for _ in range(steps):
            y = (y * 1.001 + 0.001).tanh()
        y.backward()

    return step


def scalar_chain_numpy(n_nodes=750):
    steps = n_nodes // 3

    def step():
        y = np.float32(0.5)
        outs = []
        for _ in range(steps):
            y = np.tanh(y * np.float32(1.001) + np.float32(0.001))
            outs.append(y)
        g = np.float32(1.0)
        for o in reversed(outs):
            g = g * (1 - o * o) * np.float32(1.001)
        return g

    return step


def descent(lib):
    def step():
        a = lib.tensor(0.5).requires_grad_()
        b = lib.tensor(-0.5).requires_grad_()
        eta = 0.1
        for _ in range(100):
            loss = (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2
            ga, gb = lib.autograd.grad(loss, (a, b))
            with lib.no_grad():
                a -= eta * ga
                b -= eta * gb
        return a, b

    return step


def descent_numpy():
    def step():
        a, b = np.float32(0.5), np.float32(-0.5)
        for _ in range(100):
            ga = 2 * (a - 1) + 2 * (a - b)
            gb = 2 * (b + 1) - 2 * (a - b)
            a, b = a - np.float32(0.1) * ga, b - np.float32(0.1) * gb
        return a, b

    return step


def _mlp_data():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((64, 784), dtype=np.float32), rng.standard_normal((64, 10), dtype=np.float32),
            (rng.standard_normal((784, 128), dtype=np.float32) * 0.03), np.zeros(128, np.float32),
            (rng.standard_normal((128, 10), dtype=np.float32) * 0.1), np.zeros(10, np.float32))


def mlp(lib):
    X, Y, W1, B1, W2, B2 = _mlp_data()
    x, y = lib.tensor(X), lib.tensor(Y)
    params = [lib.tensor(p, requires_grad=True) for p in (W1, B1, W2, B2)]
    w1, b1, w2, b2 = params

    def step():
        h = (x @ w1 + b1).tanh()
        out = h @ w2 + b2
        loss = lib.nn.functional.mse_loss(out, y)
        loss.backward()
        for p in params:
            p.grad = None

    return step


def mlp_numpy():
    X, Y, W1, B1, W2, B2 = _mlp_data()

    def step():
        h = np.tanh(X @ W1 + B1)
        out = h @ W2 + B2
        d = out - Y
        loss = np.mean(d * d)
        g_out = (2.0 / d.size) * d
        g_w2 = h.T @ g_out
        g_b2 = g_out.sum(0)
        g_h = g_out @ W2.T
        g_pre = g_h * (1 - h * h)
        g_w1 = X.T @ g_pre
        g_b1 = g_pre.sum(0)
        return loss, g_w1, g_b1, g_w2, g_b2

    return step


def matmul384(lib):
    rng = np.random.default_rng(1)
    A = lib.tensor(rng.standard_normal((384, 384), dtype=np.float32), requires_grad=True)
    B = lib.tensor(rng.standard_normal((384, 384), dtype=np.float32), requires_grad=True)

    def step():
        (A @ B).backward(lib.ones(384, 384))
        A.grad = None
        B.grad = None

    return step


def matmul384_numpy():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((384, 384), dtype=np.float32)
    B = rng.standard_normal((384, 384), dtype=np.float32)
    G = np.ones((384, 384), np.float32)

    def step():
        C = A @ B
        return C, G @ B.T, A.T @ G

    return step


def grid(lib, n=200):
    av = np.linspace(-2, 2, n, dtype=np.float32)
    A0, B0 = np.meshgrid(av, av, indexing="ij")

    def step():
        a = lib.tensor(A0, requires_grad=True)
        b = lib.tensor(B0, requires_grad=True)
        loss = (a - 1) ** 2 + (b + 1) ** 2 + (a - b) ** 2
        loss.sum().backward()
        return loss, a.grad, b.grad

    return step


def grid_numpy(n=200):
    av = np.linspace(-2, 2, n, dtype=np.float32)
    A0, B0 = np.meshgrid(av, av, indexing="ij")

    def step():
        a, b = A0.copy(), B0.copy()
        d = a - b
        loss = (a - 1) ** 2 + (b + 1) ** 2 + d**2
        ga = 2 * (a - 1) + 2 * d
        gb = 2 * (b + 1) - 2 * d
        return loss, ga, gb

    return step


def mixed_chain(lib, n_nodes=750):
    """A chain nobody tuned for: relu, sigmoid, exp, log and mul on a 0-d tensor (five nodes a step)."""
    steps = n_nodes // 5

    def step():
        x = lib.tensor(0.5, requires_grad=True)
        y = x
        for _ in range(steps):
            y = (y.relu().sigmoid().exp() * 0.9).log()
        y.backward()

    return step


def mixed_chain_numpy(n_nodes=750):
    steps = n_nodes // 5

    def step():
        y = np.float32(0.5)
        saved = []
        for _ in range(steps):
            r = np.maximum(y, np.float32(0))
            s = np.float32(1) / (np.float32(1) + np.exp(-r))
            e = np.exp(s)
            m = e * np.float32(0.9)
            saved.append((y, s, e, m))
            y = np.log(m)
        g = np.float32(1.0)
        for y0, s, e, m in reversed(saved):
            g = g / m * np.float32(0.9) * e * s * (np.float32(1) - s) * np.float32(y0 > 0)
        return g

    return step


def _two_layer_data():
    rng = np.random.default_rng(2)
    return (rng.standard_normal((32, 20), dtype=np.float32), rng.integers(0, 10, 32),
            rng.standard_normal((20, 64), dtype=np.float32) * 0.2, np.zeros(64, np.float32),
            rng.standard_normal((64, 10), dtype=np.float32) * 0.2, np.zeros(10, np.float32))


def two_layer_sgd(lib):
    """A lesson's training step nobody tuned for: relu layer, cross-entropy, optim.SGD, on a 32x20 batch."""
    X, Y, W1, B1, W2, B2 = _two_layer_data()
    x, y = lib.tensor(X), lib.tensor(Y)
    params = [lib.tensor(p, requires_grad=True) for p in (W1, B1, W2, B2)]
    w1, b1, w2, b2 = params
    opt = lib.optim.SGD(params, lr=0.1)

    def step():
        opt.zero_grad()
        h = (x @ w1 + b1).relu()
        loss = lib.nn.functional.cross_entropy(h @ w2 + b2, y)
        loss.backward()
        opt.step()

    return step


def two_layer_sgd_numpy():
    X, Y, W1, B1, W2, B2 = _two_layer_data()
    W1, B1, W2, B2 = W1.copy(), B1.copy(), W2.copy(), B2.copy()
    onehot = np.eye(10, dtype=np.float32)[Y]

    def step():
        pre = X @ W1 + B1
        h = np.maximum(pre, 0)
        out = h @ W2 + B2
        shifted = out - out.max(1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
        loss = -(logp * onehot).sum() / 32
        g_out = (np.exp(logp) - onehot) / 32
        g_w2, g_b2 = h.T @ g_out, g_out.sum(0)
        g_pre = (g_out @ W2.T) * (pre > 0)
        g_w1, g_b1 = X.T @ g_pre, g_pre.sum(0)
        for p, g in ((W1, g_w1), (B1, g_b1), (W2, g_w2), (B2, g_b2)):
            p -= np.float32(0.1) * g
        return loss

    return step


WORKLOADS = [
    # name, engine, torch, numpy, (goal rival, goal ratio)
    ("seed BCE step", lambda: seed_bce(engine), lambda: seed_bce(torch), seed_bce_numpy, ("torch", 0.7)),
    ("scalar chain, 750 nodes", lambda: scalar_chain(engine), lambda: scalar_chain(torch), scalar_chain_numpy,
     ("torch", 0.8)),
    ("descent demo, 100 steps", lambda: descent(engine), lambda: descent(torch), descent_numpy,
     ("torch", 0.6)),
    ("MLP 64x784-128-10 step", lambda: mlp(engine), lambda: mlp(torch), mlp_numpy, ("numpy", 1.25)),
    ("384x384 matmul fwd+bwd", lambda: matmul384(engine), lambda: matmul384(torch), matmul384_numpy,
     ("numpy", 1.1)),
    ("200x200 grid surface+grad", lambda: grid(engine), lambda: grid(torch), grid_numpy, ("numpy", 1.5)),
    ("mixed chain, 750 nodes", lambda: mixed_chain(engine), lambda: mixed_chain(torch), mixed_chain_numpy,
     ("torch", 0.8)),
    ("two-layer SGD step 32x20", lambda: two_layer_sgd(engine), lambda: two_layer_sgd(torch),
     two_layer_sgd_numpy, ("torch", 1.0)),
]


def _time_batch(fn, reps):
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def measure(makers: dict, batches: int, target_s: float) -> dict:
    fns = {k: m() for k, m in makers.items()}
    reps = {}
    for k, fn in fns.items():  # warm up and calibrate so one batch takes about target_s
        fn()
        once = max(_time_batch(fn, 1), 1e-7)
        reps[k] = max(1, int(target_s / once))
    times = {k: [] for k in fns}
    for _ in range(batches):
        for k, fn in fns.items():  # interleaved: each batch runs every rival once
            gc.collect()
            times[k].append(_time_batch(fn, reps[k]))
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer, shorter batches")
    ap.add_argument("--only", help="substring of a workload name")
    ap.add_argument("--no-freeze", action="store_true", help="leave the loaded objects to the garbage collector")
    args = ap.parse_args(argv)
    batches, target = (3, 0.05) if args.quick else (9, 0.2)
    print(f"numpy {np.__version__}; torch {torch.__version__ if torch else 'not installed'}; "
          f"{batches} interleaved batches, median per call; "
          f"{'gc.freeze() after imports' if FREEZE else 'no gc.freeze()'}\n")
    heads = ("engine", "torch", "numpy", "eng/torch", "eng/numpy")
    print(f"{'workload':28s} " + " ".join(f"{h:>10s}" for h in heads) + "  goal")
    for name, eng, tor, npy, (rival, goal) in WORKLOADS:
        if args.only and args.only not in name:
            continue
        makers = {"engine": eng, "numpy": npy}
        if torch is not None:
            makers["torch"] = tor
        t = measure(makers, batches, target)
        r_t = t["engine"] / t["torch"] if "torch" in t else float("nan")
        r_n = t["engine"] / t["numpy"]
        got = r_t if rival == "torch" else r_n
        ok = "met" if got <= goal else "MISSED"
        tt = f"{t['torch'] * 1e3:9.3f}m" if "torch" in t else "       n/a"
        print(f"{name:28s} {t['engine'] * 1e3:9.3f}m {tt} {t['numpy'] * 1e3:9.3f}m {r_t:10.2f} {r_n:10.2f}"
              f"  <= {goal} x {rival}: {ok}")
    print("\n(times in milliseconds per call)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
