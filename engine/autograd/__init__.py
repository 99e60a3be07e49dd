"""`engine.autograd`: backward, grad, the grad-mode managers and `functional`, as PyTorch spells them."""

from __future__ import annotations

from ..grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from . import functional
from .differentiate import backward, grad

__all__ = ["backward", "enable_grad", "functional", "grad", "is_grad_enabled", "no_grad", "set_grad_enabled"]
