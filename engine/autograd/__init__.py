"""`engine.autograd`: backward, grad, the grad-mode managers and `functional`, as PyTorch spells them."""

from __future__ import annotations

from .. import grad_mode
from ..grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from ..legacy import Variable
from . import function, functional
from .differentiate import backward, grad
from .function import Function
from .gradcheck import gradcheck

__all__ = [
           "Function",
           "Variable",
           "backward",
           "enable_grad",
           "function",
           "functional",
           "grad",
           "grad_mode",
           "gradcheck",
           "inference_mode",
           "is_grad_enabled",
           "no_grad",
           "set_grad_enabled",
]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.autograd' has no attribute '{name}'")
