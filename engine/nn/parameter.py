"""`nn.Parameter`: a leaf tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from ..creation import empty
from ..tensor import Tensor, wrap


class Parameter(Tensor):
    """A tensor that requires grad by default and that a Module collects in `parameters()` when assigned as an
    attribute. It shares its data with the tensor it is made from, as in PyTorch."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        p._data = data._data
        p._grad_fn = None
        p._version_counter = data._version_counter  # shares storage, so also the version counter
        p._requires_grad = False
        p.requires_grad_(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass  # (everything happens in __new__)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce__(self):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(wrap(data), requires_grad)


Parameter.__module__ = "torch.nn.parameter"
