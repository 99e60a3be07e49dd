"""`torch.return_types`: the (values, indices) pairs that max, min, sort and topk along a dim return, named, typed
and printed as PyTorch's: `type(x.max(0))` is `<class 'torch.return_types.max'>`."""

from __future__ import annotations

from collections import namedtuple


def _values_and_indices(name: str) -> type:
    class pair(namedtuple(name, ["values", "indices"])):
        __slots__ = ()

        def __repr__(self) -> str:
            return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

        __str__ = __repr__

    pair.__name__ = pair.__qualname__ = name
    pair.__module__ = "torch.return_types"
    return pair


max = _values_and_indices("max")
min = _values_and_indices("min")
sort = _values_and_indices("sort")
topk = _values_and_indices("topk")


def __getattr__(name: str):
    # a pair PyTorch has and the engine lacks (kthvalue, median, mode, ...): PyTorch's words, its module's name
    raise AttributeError(f"module 'torch.return_types' has no attribute '{name}'")
