"""The descent demo: gradient descent on a loss in two parameters `a` and `b`, with and without `detach()`.

The seed lesson runs 100 steps of plain gradient descent on l(a, b) = (a-1)^2 + (b+1)^2 + (a-b)^2 from
(0.5, -0.5) and ends at the minimum (1/3, -1/3); with `a.detach()` in the last term it ends at (1, 0), a point
where the surface's gradient is not zero. The package:

- `loss`: the loss typed by the user, checked and evaluated by the sandbox; `strip_detach`, `occurrences`.
- `demo`: the loss over a grid in one vectorized engine pass, descent paths (SGD as the seed, momentum, Adam),
  fixed points, and `build_demo` (the true and detached variants side by side, as the page shows them).
- `figures`: the Plotly figures (surface, contours with paths and arrow fields) and the step table.

Errors are `DescentError`s carrying a catalogue key (`descent.*` in explorer/text/catalogue.py).
"""

from __future__ import annotations

from explorer.text import t

DEFAULT_LOSS = "(a - 1)**2 + (b + 1)**2 + (a - b)**2"
DEFAULT_DETACHED_LOSS = "(a - 1)**2 + (b + 1)**2 + (a.detach() - b)**2"
DEFAULT_START = (0.5, -0.5)
DEFAULT_LR = 0.1
DEFAULT_STEPS = 100
DEFAULT_MOMENTUM = 0.9
DEFAULT_BETAS = (0.9, 0.999)
TRUE_MINIMUM = (1 / 3, -1 / 3)
DETACHED_FIXED_POINT = (1.0, 0.0)

OPTIMIZERS = ("sgd", "momentum", "adam")
MAX_STEPS = 5000


class DescentError(Exception):
    """A problem with the demo's input or run: a catalogue key, its parameters and (for the loss) a column."""

    def __init__(self, key: str, col: int | None = None, **params):
        super().__init__(key)
        self.key = key
        self.col = col
        self.params = params

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")

    def __repr__(self) -> str:
        return f"DescentError({self.key!r}, col={self.col!r}, params={self.params!r})"

