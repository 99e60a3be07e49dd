"""The engine leaves numpy's process state alone: PyTorch computes inf and nan silently, so the engine's ops do
too, but only inside the engine. A program's own numpy code warns as numpy does, before and after engine ops."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import engine

ENGINE_DIR = Path(engine.__file__).resolve().parent
SPECIAL = [0.0, -0.0, 1.0, -1.0, float("inf"), -float("inf"), float("nan"), 1e30, -1e30, 1e-30, 88.8, -104.0]


def test_importing_the_engine_leaves_numpys_error_state_alone():
    code = ("import numpy as np\nbefore = np.geterr()\nimport engine, engine.nn.functional\n"
            "assert np.geterr() == before, (np.geterr(), before)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ENGINE_DIR.parent)


def test_a_programs_own_numpy_code_still_warns_after_engine_ops():
    x = engine.tensor([0.0, 1.0], requires_grad=True)
    x.log().sum().backward()
    with pytest.warns(RuntimeWarning, match="divide by zero encountered in log"):
        np.log(np.array([0.0]))


def _engine_warnings(run) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [f"{Path(w.filename).name}:{w.lineno}: {w.message}" for w in caught
            if issubclass(w.category, RuntimeWarning) and Path(w.filename).is_relative_to(ENGINE_DIR)]


@pytest.mark.parametrize("dtype", [engine.float32, engine.float64])
def test_ops_their_gradients_and_updates_on_inf_and_nan_are_silent(dtype):
    def run():
        x = engine.tensor(SPECIAL, dtype=dtype, requires_grad=True)
        y = engine.tensor(SPECIAL[::-1], dtype=dtype, requires_grad=True)
        outputs = [x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.asin(), x.reciprocal(), x ** 3, x / y,
                   x ** y, x.atan2(y), engine.xlogy(x, y), x.norm(), x.std(), x.softmax(0), x.cumprod(0),
                   engine.nn.functional.kl_div(x, y), engine.nn.functional.binary_cross_entropy_with_logits(x, y)]
        for out in outputs:
            grad, = engine.autograd.grad(out.sum(), x, create_graph=True, allow_unused=True, retain_graph=True)
            if grad is not None and grad.requires_grad:
                grad.sum().backward(retain_graph=True)
        (x * y).sum().backward()
        (x * -y).sum().backward()  # (.grad accumulates inf + -inf in place)
        for optimizer in (engine.optim.SGD([x], lr=0.1, momentum=0.9), engine.optim.Adam([x]),
                          engine.optim.RMSprop([x]), engine.optim.Adagrad([x])):
            optimizer.step()
        repr(x), repr(x.long()), repr(engine.div(x, y, rounding_mode="floor"))
        ints = engine.zeros(3, dtype=engine.int64)
        ints.copy_(engine.tensor([float("nan"), 1.0, 2.0]))
        ints[:2] = engine.tensor([float("inf"), float("nan")])

    assert _engine_warnings(run) == []


def test_a_custom_functions_backward_is_the_programs_code_and_warns_there():
    class Log(engine.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.log()

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return engine.from_numpy(grad.numpy() / x.detach().numpy())  # numpy's division: its warning

    x = engine.tensor([0.0, 1.0], requires_grad=True)
    with pytest.warns(RuntimeWarning, match="divide by zero encountered in divide"):
        Log.apply(x).sum().backward()
