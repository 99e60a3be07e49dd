"""backward() and grad(): differentiate outputs with respect to the graph's leaves or given inputs, with
PyTorch's signatures and errors."""

from __future__ import annotations

import warnings

import numpy as np

from ..backward_pass import run_backward
from ..creation import zeros_like
from ..tensor import Size, Tensor, wrap

CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")
_WARNED_CREATE_GRAPH: list = []


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs, create_graph):
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f":
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {out.dtype}")
            grads.append(wrap(np.ones(out._data.shape, out._data.dtype)))
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if g._data.shape != out._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {Size(g._data.shape)} and output[{i}] "
                f"has a shape of {Size(out._data.shape)}.")
        grads.append(g if create_graph and g._requires_grad else wrap(g._data.astype(out._data.dtype, copy=False)))
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None) -> None:
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = (None,) * len(outputs)
    else:
        if not isinstance(grad_tensors, (list, tuple)):
            grad_tensors = _as_tuple(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    for i, out in enumerate(outputs):
        if out._grad_fn is None and not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    grads = _make_grads(outputs, grad_tensors, create_graph)
    in_list = None if inputs is None else _as_tuple(inputs)
    if create_graph and not _WARNED_CREATE_GRAPH:
        _WARNED_CREATE_GRAPH.append(True)  # (once per process, as PyTorch's TORCH_WARN_ONCE)
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    run_backward(outputs, grads, retain_graph=retain_graph, create_graph=create_graph, inputs=in_list,
                 allow_unused=True, accumulate=True, kind="backward")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for i, out in enumerate(outputs):
        if out._grad_fn is None and not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    grads = _make_grads(outputs, grad_outputs, create_graph)
    result = run_backward(outputs, grads, retain_graph=retain_graph, create_graph=create_graph,
                          inputs=inputs_t, allow_unused=allow_unused, accumulate=False, kind="grad")
    if materialize_grads:
        result = tuple(zeros_like(x) if g is None else g for x, g in zip(inputs_t, result))
    return result
