"""`engine.autograd.functional.jacobian`: one backward pass per output element (the VJP view of J)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, wrap
from .differentiate import grad


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    single = isinstance(inputs, Tensor)
    if not single and not (isinstance(inputs, tuple) and all(isinstance(x, Tensor) for x in inputs)):
        raise TypeError(
            "The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the given inputs "
            f"has type {type(inputs)}.")
    ins = (inputs,) if single else tuple(inputs)
    ins = tuple(x.detach().requires_grad_(True) for x in ins)
    outputs = func(*ins)
    single_out = isinstance(outputs, Tensor)
    outs = (outputs,) if single_out else tuple(outputs)
    result = []
    for out in outs:
        rows = []
        flat_n = out._data.size
        for k in range(flat_n):
            v = np.zeros(flat_n, dtype=out._data.dtype)
            v[k] = 1
            if out._grad_fn is None and not out._requires_grad:
                grads = (None,) * len(ins)
            else:
                grads = grad(out, ins, wrap(v.reshape(out._data.shape)), retain_graph=True,
                                      create_graph=create_graph, allow_unused=True)
            rows.append(grads)
        per_input = []
        for j, x in enumerate(ins):
            block = np.zeros((flat_n, x._data.size), dtype=x._data.dtype)
            for k, grads in enumerate(rows):
                if grads[j] is not None:
                    block[k] = grads[j]._data.reshape(-1)
            per_input.append(wrap(block.reshape(out._data.shape + x._data.shape)))
        result.append(per_input[0] if single else tuple(per_input))
    return result[0] if single_out else tuple(result)
