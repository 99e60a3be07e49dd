"""`engine.autograd`: backward, grad, the grad-mode managers and `functional`, as PyTorch spells them."""

from __future__ import annotations

from ..grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..legacy import Variable
from . import function, functional
from .differentiate import backward, grad
from .function import Function

__all__ = [
           "Function",
           "Variable",
           "backward",
           "enable_grad",
           "function",
           "functional",
           "grad",
           "is_grad_enabled",
           "no_grad",
           "set_grad_enabled",
]
