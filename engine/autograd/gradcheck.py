"""`torch.autograd.gradcheck`: a function's analytical Jacobian (its backward passes) against central
differences, as PyTorch checks it (in float64, eps 1e-6)."""

from __future__ import annotations

import warnings

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor, wrap
from .differentiate import grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck where the two Jacobians differ."""


GradcheckError.__module__ = "torch.autograd.gradcheck"


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **_options) -> bool:
    """True when, for every output and every input that requires grad, the Jacobian from backward equals
    the central differences (f(x + eps) - f(x - eps)) / 2 eps within atol + rtol * |numerical|."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x._data.dtype != np.float64:
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                          "This check will likely fail if all the inputs are not of double precision floating point "
                          "or complex. ", UserWarning, stacklevel=2)
    outputs = _as_tuple(func(*inputs))
    differentiable = [j for j, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for o, out in enumerate(outputs):
        for j in differentiable:
            numerical = _numerical(func, inputs, j, o, eps)
            analytical = _analytical(out, inputs[j])
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                dtype = inputs[j].dtype
                raise GradcheckError(f"Jacobian mismatch for output {o} with respect to input {j},\n"
                                     f"numerical:{wrap(numerical.astype(dtype.np))}\n"
                                     f"analytical:{wrap(analytical.astype(dtype.np))}\n")
    return True


def _as_tuple(outputs) -> tuple:
    return (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)


def _numerical(func, inputs, j, o, eps) -> np.ndarray:
    """(input elements, output elements): each input element moved by ±eps in place, the output's change."""
    x = inputs[j]._data
    columns = []
    with no_grad():
        for k in range(x.size):
            flat = x.reshape(-1)
            original = flat[k].copy()
            flat[k] = original - eps
            below = _as_tuple(func(*inputs))[o]._data.astype(np.float64).reshape(-1)
            flat[k] = original + eps
            above = _as_tuple(func(*inputs))[o]._data.astype(np.float64).reshape(-1)
            flat[k] = original
            columns.append((above - below) / (2 * eps))
    return np.array(columns).reshape(x.size, -1)


def _analytical(out: Tensor, x: Tensor) -> np.ndarray:
    """(input elements, output elements): one backward pass per output element."""
    rows = []
    for m in range(out._data.size):
        v = np.zeros(out._data.size, out._data.dtype)
        v[m] = 1
        if out.grad_fn is None and not out.requires_grad:
            rows.append(np.zeros(x._data.size))
            continue
        (g,) = grad(out, (x,), wrap(v.reshape(out._data.shape)), retain_graph=True, allow_unused=True)
        rows.append(np.zeros(x._data.size) if g is None else g._data.astype(np.float64).reshape(-1))
    return np.array(rows).reshape(out._data.size, x._data.size).T


__all__ = ["GradcheckError", "gradcheck"]
