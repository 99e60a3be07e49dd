"""Tensor text exactly as PyTorch 2.13 prints it (``repr(t)`` / ``print(t)``).

Pure numpy: the engine's Tensor passes its data, dtype name and autograd state in, this module returns the
text. The rules follow torch's own printer: one formatter per tensor decides the mode (integer-valued floats,
fixed point or scientific) and a common width, from the values that are actually shown; rows wrap at
``linewidth``; tensors above ``threshold`` elements are summarised with ``...``; suffixes such as
``dtype=`` or ``grad_fn=`` move to their own line when they would overflow the last line.

Numbers are formatted by Python's own float formatting of each value converted to a Python float, as torch
does, so float32 0.1 prints ``0.1000`` and not a float32-rounded variant.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np


@dataclasses.dataclass
class PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = PrintOptions()

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Same semantics as ``torch.set_printoptions``.

    As in torch, an unknown profile name is ignored, and ``sci_mode`` is always reset (to None when not
    given), while the other options keep their value when not given.
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options as a dict that ``set_printoptions(**options)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (``torch._tensor_str.printoptions``)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def format_size(shape: Sequence[int]) -> str:
    """``str(torch.Size(shape))``, e.g. ``torch.Size([5, 3])``."""
    return "torch.Size([" + ", ".join(str(int(n)) for n in shape) + "])"


def _shape_text(shape: Sequence[int]) -> str:
    return str(tuple(int(n) for n in shape))


_SMALL = 64  # below this many shown values the width is found without numpy


class _ElementFormat:
    """Turns a flat array of shown values into equally wide strings, the way torch's _Formatter does."""

    __slots__ = ("kind", "precision", "width")

    def __init__(self, shown: np.ndarray, precision: int, sci_option: bool | None):
        self.precision = precision
        self.width = 1
        if shown.dtype.kind not in "fc":
            self.kind = "int"
            if 0 < shown.size <= _SMALL:
                self.width = max(len(str(v)) for v in shown.reshape(-1).tolist())
            elif shown.size:
                # str(int) grows with |value|, so the extremes decide the width.
                if shown.dtype.kind == "b":
                    self.width = 4 if shown.all() else 5
                else:
                    self.width = max(len(str(shown.min().item())), len(str(shown.max().item())))
            return
        if shown.dtype.kind == "c":
            raise NotImplementedError("complex tensors are not supported")

        # torch decides from the nonzero finite values only; with none there it keeps its defaults
        # (integer mode, no scientific notation, width 1) whatever sci_mode says.
        self.kind = "int_float"
        if shown.size <= _SMALL:
            # Plain Python is quicker than a dozen numpy calls on a handful of values.
            values = [v for v in shown.reshape(-1).tolist() if v != 0 and math.isfinite(v)]
            if not values:
                return
            smallest = min(map(abs, values))
            largest = max(map(abs, values))
            int_mode = all(v == math.ceil(v) for v in values)
            candidates = values
        else:
            array = shown[np.isfinite(shown) & (shown != 0)]
            if array.size == 0:
                return
            magnitudes = np.abs(array).astype(np.float64)
            smallest = float(magnitudes.min())
            largest = float(magnitudes.max())
            int_mode = bool(np.all(array == np.ceil(array)))
            # The text length is monotone in |value| for each sign (the exponent's digit count in
            # scientific notation too), so the extreme values of each sign give the widest text.
            candidates = []
            for part in (array[array > 0], array[array < 0]):
                if part.size:
                    candidates.append(part.min().item())
                    candidates.append(part.max().item())
        if sci_option is None:
            sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            sci_mode = bool(sci_option)

        if sci_mode:
            self.kind = "sci"
            pattern = f"{{:.{precision}e}}"
            extra = 0
        elif int_mode:
            pattern = "{:.0f}"
            extra = 1  # the "." that marks a float
        else:
            self.kind = "fixed"
            pattern = f"{{:.{precision}f}}"
            extra = 0
        self.width = max(self.width, max(len(pattern.format(v)) for v in candidates) + extra)

    def format_all(self, flat: np.ndarray) -> list[str]:
        """Formatted and right-aligned text of every value in ``flat`` (1-d)."""
        width = self.width
        values = flat.tolist()
        if self.kind == "int":
            return list(map(f"%{width}s".__mod__, values))
        if self.kind == "sci":
            return list(map(f"{{:{width}.{self.precision}e}}".format, values))
        if self.kind == "fixed":
            return list(map(f"%{width}.{self.precision}f".__mod__, values))
        # Integer-valued floats: "3." for finite values, nan/inf without the dot.
        texts = list(map(f"%{width - 1}.0f.".__mod__, values))
        if not np.isfinite(flat).all():
            for i in np.flatnonzero(~np.isfinite(flat)).tolist():
                texts[i] = f"{values[i]:.0f}".rjust(width)
        return texts


def _body(data: np.ndarray, indent: int, opts: PrintOptions) -> str:
    """The bracketed contents, e.g. ``[[1., 2.],\\n        [3., 4.]]``, for a non-empty array."""
    summarize = data.size > opts.threshold
    edge = opts.edgeitems
    if summarize and not edge and data.ndim:
        return "[...]"

    # Pick the rows/columns that are shown; the formatter only sees those.
    shown = data
    elided = [False] * data.ndim
    if summarize:
        for axis, n in enumerate(data.shape):
            if n > 2 * edge:
                keep = np.concatenate((np.arange(edge), np.arange(n - edge, n)))
                shown = np.take(shown, keep, axis=axis)
                elided[axis] = True

    fmt = _ElementFormat(shown, opts.precision, opts.sci_mode)
    texts = fmt.format_all(shown.reshape(-1))
    if data.ndim == 0:
        return texts[0]

    ndim = data.ndim
    # Rows (the last axis) all sit at the same depth, so they share indentation and wrapping.
    row_indent = indent + ndim - 1
    row_len = shown.shape[-1]
    per_line = max(1, math.floor((opts.linewidth - row_indent) / (fmt.width + 2)))
    line_sep = ",\n" + " " * (row_indent + 1)
    parts = []
    for start in range(0, len(texts), row_len):
        row = texts[start : start + row_len]
        if elided[-1]:
            row = [*row[:edge], " ...", *row[edge:]]
        if len(row) <= per_line:
            parts.append("[" + ", ".join(row) + "]")
        else:
            lines = [", ".join(row[i : i + per_line]) for i in range(0, len(row), per_line)]
            parts.append("[" + line_sep.join(lines) + "]")

    # Fold the outer axes from the inside out; blocks of deeper tensors are separated by blank lines.
    for axis in range(ndim - 2, -1, -1):
        count = shown.shape[axis]
        sep = "," + "\n" * (ndim - 1 - axis) + " " * (indent + axis + 1)
        grouped = []
        for start in range(0, len(parts), count):
            block = parts[start : start + count]
            if elided[axis]:
                block = [*block[:edge], "...", *block[edge:]]
            grouped.append("[" + sep.join(block) + "]")
        parts = grouped
    return parts[0]


def _with_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    out = [text]
    # torch counts two characters more than the last line really has; kept so the wrapping matches.
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > linewidth:
            out.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last_line += len(suffix) + 2
    out.append(")")
    return "".join(out)


def format_tensor(
    data: np.ndarray,
    *,
    dtype_name: str,
    show_dtype: bool,
    requires_grad: bool = False,
    grad_fn: str | None = None,
    prefix: str = "tensor(",
) -> str:
    """What ``repr(t)`` prints in torch for a CPU tensor holding ``data``.

    ``dtype_name`` is torch's name ("torch.float32"); ``show_dtype`` says whether a non-empty tensor shows
    ``dtype=`` (torch hides the default float dtype, int64 and bool). Empty tensors show every dtype but the
    default float dtype, as torch does. ``grad_fn`` is the node's name ("MulBackward0"); without it,
    ``requires_grad=True`` is shown when ``requires_grad``.
    """
    data = np.asarray(data)
    opts = PRINT_OPTS
    indent = len(prefix)
    suffixes = []
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append("size=" + _shape_text(data.shape))
        # With no values to read the type from, only the default float dtype goes unsaid.
        if show_dtype or dtype_name in ("torch.int64", "torch.bool"):
            suffixes.append("dtype=" + dtype_name)
        body = "[]"
    else:
        if not opts.edgeitems:
            suffixes.append("size=" + _shape_text(data.shape))
        if show_dtype:
            suffixes.append("dtype=" + dtype_name)
        body = _body(data, indent, opts)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent, opts.linewidth)
