"""`torch.autograd.functional`: derivatives of a function of tensors, built from backward passes.

jacobian (one pass per output element, the VJP view of J), hessian (the jacobian of the gradient), vjp
(vᵀJ in one pass), jvp and hvp/vhp (by differentiating a backward pass again: the "double backward trick").
Inputs are detached copies that require grad; results are detached unless create_graph=True.
"""

from __future__ import annotations

import numpy as np

from ..creation import zeros_like
from ..functions import stack
from ..grad_mode import enable_grad
from ..tensor import Tensor, wrap
from .differentiate import grad


def _as_tuple(inputs, what: str, function_name: str) -> tuple[bool, tuple]:
    """(was it a single tensor, the tensors as a tuple), with PyTorch's message for anything else."""
    if isinstance(inputs, Tensor):
        return True, (inputs,)
    if isinstance(inputs, (tuple, list)) and all(isinstance(x, Tensor) for x in inputs):
        return False, tuple(inputs)
    raise TypeError(f"The {what} given to {function_name} must be either a Tensor or a tuple of Tensors but "
                    f"the given {what} has type {type(inputs)}.")


def _prepared(inputs: tuple, create_graph: bool) -> tuple:
    """The inputs as the function sees them: leaves that require grad (still in the caller's graph with
    create_graph=True, as PyTorch keeps them)."""
    if create_graph:
        return tuple(x if x.requires_grad else x.view_as(x).requires_grad_(True) for x in inputs)
    return tuple(x.detach().requires_grad_(True) for x in inputs)


def _finished(values, create_graph: bool):
    if isinstance(values, tuple):
        return tuple(_finished(v, create_graph) for v in values)
    if values is None or create_graph:
        return values
    return values.detach()


def _grads(outputs, inputs, grad_outputs, create_graph, like=None):
    """grad(...) with zeros where an input was not used (the functional API never returns None)."""
    found = grad(outputs, inputs, grad_outputs, retain_graph=True, create_graph=create_graph, allow_unused=True)
    return tuple(zeros_like(x) if g is None else g for x, g in zip(like or inputs, found))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    single_in, ins = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        ins = _prepared(ins, create_graph)
        outputs = func(*ins)
        single_out, outs = _as_tuple(outputs, "outputs of the user-provided function", "jacobian")
        result = []
        for out in outs:
            n = out._data.size
            rows = []
            for k in range(n):
                v = np.zeros(n, dtype=out._data.dtype)
                v[k] = 1
                if out.grad_fn is None and not out.requires_grad:
                    rows.append(tuple(zeros_like(x) for x in ins))
                else:
                    rows.append(_grads(out, ins, wrap(v.reshape(out._data.shape)), create_graph))
            per_input = []
            for j, x in enumerate(ins):
                if rows:
                    block = stack([row[j] for row in rows]).view(*out.shape, *x.shape)
                else:
                    block = wrap(np.zeros(tuple(out.shape) + tuple(x.shape), x._data.dtype))
                per_input.append(_finished(block, create_graph))
            result.append(per_input[0] if single_in else tuple(per_input))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    single_in, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out._data.size != 1:
            raise RuntimeError("The function given to hessian should return a single element Tensor")
        found = _grads(out, xs, None, create_graph=True)
        return found[0] if single_in else found

    return jacobian(gradient, ins[0] if single_in else ins, create_graph=create_graph)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀJ): one backward pass with v as the output's gradient."""
    single_in, ins = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        ins = _prepared(ins, create_graph)
        outputs = func(*ins)
        _, outs = _as_tuple(outputs, "outputs of the user-provided function", "vjp")
        vs = _vectors(v, outs, "vjp")
        result = _grads(outs, ins, vs, create_graph)
    return _finished(outputs, create_graph), _finished(result[0] if single_in else result, create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the VJP with a stand-in for the output's gradient u, differentiated again with
    respect to u (uᵀJ is linear in u, and its gradient along v is J v)."""
    _, ins = _as_tuple(inputs, "inputs", "jvp")
    with enable_grad():
        ins = _prepared(ins, create_graph)
        outputs = func(*ins)
        single_out, outs = _as_tuple(outputs, "outputs of the user-provided function", "jvp")
        vs = _vectors(v, ins, "jvp")
        stand_ins = tuple(zeros_like(out).requires_grad_(True) for out in outs)
        vjps = _grads(outs, ins, stand_ins, create_graph=True)
        result = _grads(vjps, stand_ins, vs, create_graph)
    return _finished(outputs, create_graph), _finished(result[0] if single_out else result, create_graph)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), vᵀH): the gradient, then its VJP with v."""
    single_in, ins = _as_tuple(inputs, "inputs", "vhp")
    with enable_grad():
        ins = _prepared(ins, create_graph)
        out = _scalar_output(func(*ins), "vhp")
        gradients = _grads(out, ins, None, create_graph=True)
        vs = _vectors(v, ins, "vhp")
        result = _grads(gradients, ins, vs, create_graph)
    return _finished(out, create_graph), _finished(result[0] if single_in else result, create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the gradient g, the VJP of g with a stand-in u, and that differentiated with
    respect to u along v (the same as vᵀH for the symmetric Hessians of smooth functions)."""
    single_in, ins = _as_tuple(inputs, "inputs", "hvp")
    with enable_grad():
        ins = _prepared(ins, create_graph)
        out = _scalar_output(func(*ins), "hvp")
        gradients = _grads(out, ins, None, create_graph=True)
        vs = _vectors(v, ins, "hvp")
        stand_ins = tuple(zeros_like(x).requires_grad_(True) for x in ins)
        double = _grads(gradients, ins, stand_ins, create_graph=True)
        result = _grads(double, stand_ins, vs, create_graph)
    return _finished(out, create_graph), _finished(result[0] if single_in else result, create_graph)


def _scalar_output(out, function_name: str):
    if not isinstance(out, Tensor) or out._data.size != 1:
        raise RuntimeError(f"The function given to {function_name} should return a single element Tensor")
    return out


def _vectors(v, like: tuple, function_name: str) -> tuple:
    """v as a tuple matching `like` (it may be left out for a single-element `like`, as 1)."""
    if v is None:
        if len(like) != 1 or like[0]._data.size != 1:
            if function_name == "vjp":
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        return tuple(wrap(np.ones(x._data.shape, x._data.dtype)) for x in like)
    _, vs = _as_tuple(v, "v", function_name)
    if len(vs) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, like)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"Entry {i} in v has invalid size: should be {b.shape} but got {a.shape}.")
    return vs


__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.autograd.functional' has no attribute '{name}'")
