"""Whether operations record a graph: `no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode` and
`is_grad_enabled`, as PyTorch's `torch.autograd.grad_mode` has them (their classes print under that module)."""

from __future__ import annotations

import functools

from .dtypes import argument_type_name

# One mutable cell read on every op; a list is the cheapest global the hot path can test.
ENABLED = [True]


def is_grad_enabled() -> bool:
    return ENABLED[0]


class _DecoratorContextManager:
    """Base of the managers (PyTorch's names for the bases too): usable as `with`, as a decorator, and
    (set_grad_enabled) as a call."""

    _mode: bool

    def __enter__(self):
        self._prev = ENABLED[0]
        ENABLED[0] = self._mode

    def __exit__(self, *exc):
        ENABLED[0] = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """`@torch.no_grad` works as `@torch.no_grad()` does (PyTorch's _NoParamDecoratorContextManager)."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    """Context-manager that disables gradient calculation."""

    _mode = False


class enable_grad(_NoParamDecoratorContextManager):
    """Context-manager that enables gradient calculation."""

    _mode = True


class set_grad_enabled(_DecoratorContextManager):
    """Context-manager that sets gradient calculation on or off. It sets the mode at once (PyTorch does this in
    the constructor, so a bare call works too)."""

    def __init__(self, mode: bool):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{argument_type_name(mode)}")
        self._prev = ENABLED[0]
        self._mode = mode
        ENABLED[0] = mode

    def __enter__(self):
        ENABLED[0] = self._mode

    def __call__(self, fn):
        ENABLED[0] = self._prev  # used as a decorator: the constructor's immediate effect must not stick
        return super().__call__(fn)

    def clone(self):
        return type(self)(self._mode)

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self._mode})"


class inference_mode(_DecoratorContextManager):
    """Context manager that enables or disables inference mode: here, as far as a lesson can tell, grad mode
    off (mode=True) or on (mode=False)."""

    def __new__(cls, mode=True):
        if mode is None or isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # `@torch.inference_mode` without parentheses

    def __init__(self, mode: bool = True):
        self.mode = mode
        self._mode = not mode

    def clone(self):
        return type(self)(self.mode)


for _cls in (no_grad, enable_grad, set_grad_enabled, inference_mode):
    _cls.__module__ = "torch.autograd.grad_mode"
_DecoratorContextManager.__module__ = _NoParamDecoratorContextManager.__module__ = "torch.utils._contextlib"
del _cls
