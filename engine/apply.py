"""`apply`: the one way an op runs. Every differentiable call (`x * y`, `torch.exp(x)`, a loss, a view, the
ops inside a derivative formula) comes here with its registry entry.

    result = apply(ops.MUL, x, y)

1. the registry's numpy forward runs on the inputs' arrays;
2. the result is a new tensor (a view shares its input's version counter);
3. if grad mode is on and an input requires grad, the result gets a node of PyTorch's class for the op
   (`MulBackward0`), which keeps what the op's derivatives need: see `engine.node.Node`.

PyTorch computes inf and nan silently; numpy warns of them. The forwards run with numpy's warnings off, here
and not process-wide, so that a program's own numpy code still warns as numpy does.
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from .grad_mode import is_grad_enabled
from .tensor import Tensor, wrap


def apply(op, *inputs, **attrs):
    """Run `op` on `inputs` (tensors or Python numbers) with its non-tensor arguments `attrs`. Returns the
    result tensor, or (result, extras) for an op with extra outputs (max over a dim: its indices)."""
    elementwise = op.elementwise
    arrays = []
    requires_grad = False
    for x in inputs:
        if isinstance(x, Tensor):
            data = x._data
            if elementwise and not data.ndim:
                # a 0-d tensor's value as a numpy scalar: numpy computes on scalars ten times faster than on
                # 0-d arrays, with the same results
                data = data[()]
            arrays.append(data)
            if x._requires_grad:
                requires_grad = True
        else:
            arrays.append(x)
    extras = None
    if elementwise:
        with np.errstate(all="ignore"):
            try:
                out = op.forward(*arrays, **attrs)
            except ValueError:
                raise broadcast_error(arrays) from None
            # PyTorch's type promotion, where numpy's differs (0-d tensors and Python numbers meeting arrays)
            want = dtypes.torch_result_dtype(arrays, out.dtype)
            if want is not out.dtype and want != out.dtype:
                out = out.astype(want)
    else:
        with np.errstate(all="ignore"):
            out = op.forward(*arrays, **attrs)
        if op.extra_outputs:
            out, extras = out
        if op.several_outputs:
            return _apply_several(op, inputs, attrs, out, requires_grad)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    result = wrap(out)
    if op.view:  # a view shares its base's storage, so an in-place change of one is a change of both
        result._version_counter = inputs[0]._version_counter
    if requires_grad and is_grad_enabled():
        result._grad_fn = op.node_class(op, inputs, attrs, result, extras)
        result._requires_grad = True
    return result if extras is None else (result, extras)


def _apply_several(op, inputs, attrs, arrays, requires_grad) -> tuple:
    """An op with several outputs (split's pieces): one node, each output its own tensor (`_output_nr`)."""
    results = tuple(wrap(np.asarray(a)) for a in arrays)
    for i, result in enumerate(results):
        result._output_nr = i
        if op.view:
            result._version_counter = inputs[0]._version_counter
    if requires_grad and is_grad_enabled():
        node = op.node_class(op, inputs, attrs, results, None)
        for result in results:
            result._grad_fn, result._requires_grad = node, True
    return results


def broadcast_error(arrays) -> RuntimeError:
    """PyTorch's message for two shapes that do not broadcast, naming the first dimension that differs."""
    a, b = (np.shape(x) for x in arrays[:2])
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            dim = max(len(a), len(b)) - i
            return RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}")
    return RuntimeError(f"shapes {a} and {b} cannot be broadcast together")
