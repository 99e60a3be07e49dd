"""DelayedError: the node `torch.autograd.function.once_differentiable` puts on what a custom Function's backward
returns when a graph of the backward is being recorded (create_graph=True). Its outputs are its inputs' values;
a backward pass through it fails with PyTorch's message. PyTorch's node prints as `Error` and names itself
`torch::autograd::Error`."""

from __future__ import annotations

from .registry import Op, vjp

__all__ = ["ONCE_DIFFERENTIABLE", "delayed_error_op"]

ONCE_DIFFERENTIABLE = "trying to differentiate twice a function that was marked with @once_differentiable"


def _differentiated_twice(grad):
    raise RuntimeError(ONCE_DIFFERENTIABLE)


_BY_COUNT: dict[int, Op] = {}


def delayed_error_op(n: int) -> Op:
    """The op over n inputs (tensors, or None where the backward returned None: an empty slot in
    next_functions, and no output): one Error node."""
    op = _BY_COUNT.get(n)
    if op is None:
        names = tuple(f"inputs[{i}]" for i in range(n))
        derivatives = tuple(vjp(f"error: {ONCE_DIFFERENTIABLE}", r"\text{error: differentiated twice}",
                                _differentiated_twice) for _ in names)
        op = _BY_COUNT[n] = Op("delayed_error", "Error", _defined, names, derivatives,
                               "results = inputs (a backward marked @once_differentiable)", r"r_i = x_i",
                               several_outputs=True)
    return op


def _defined(*inputs) -> tuple:
    return tuple(x for x in inputs if x is not None)
