"""Whether operations record a graph: `no_grad`, `enable_grad`, `set_grad_enabled`, `is_grad_enabled`."""

from __future__ import annotations

import functools

# One mutable cell read on every op; a list is the cheapest global the hot path can test.
ENABLED = [True]


def is_grad_enabled() -> bool:
    return ENABLED[0]


class _GradModeContext:
    """Base of the three managers: usable as `with`, as a decorator, and (set_grad_enabled) as a call."""

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
            with type(self)(*self._ctor_args()):
                return fn(*args, **kwargs)

        return wrapper

    def _ctor_args(self):
        return ()

    def clone(self):
        return type(self)(*self._ctor_args())


class no_grad(_GradModeContext):
    _mode = False


class enable_grad(_GradModeContext):
    _mode = True


class set_grad_enabled(_GradModeContext):
    """Sets the mode at once (PyTorch does this in the constructor, so a bare call works too)."""

    def __init__(self, mode: bool):
        self._prev = ENABLED[0]
        self._mode = bool(mode)
        ENABLED[0] = self._mode

    def __enter__(self):
        ENABLED[0] = self._mode

    def _ctor_args(self):
        return (self._mode,)

    def __call__(self, fn):
        ENABLED[0] = self._prev  # used as a decorator: the constructor's immediate effect must not stick
        return super().__call__(fn)


class inference_mode(no_grad):
    def __init__(self, mode: bool = True):
        self._mode = not mode
