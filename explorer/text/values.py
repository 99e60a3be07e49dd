"""Short text for tensor values in hovers and formulas: small arrays in full, large ones summarised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.text.catalogue import t

SMALL_SIZE = 25  # up to this many elements (a 5x5 matrix) a value is printed in full
FULL_ELEMENTS = 1_000  # a result carries arrays up to this size whole, larger ones as a ValueSummary


@dataclass(frozen=True)
class ValueSummary:
    """A large array as the views show it (its shape, dtype and statistics): what a run's result carries
    instead of the array, so that the server never holds a program's big tensors."""

    shape: tuple
    dtype: str
    min: float
    max: float
    mean: float
    norm: float

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @classmethod
    def of(cls, a: np.ndarray) -> ValueSummary:
        values = a.astype(np.float64) if a.dtype == np.bool_ else a
        empty = a.size == 0
        return cls(tuple(int(d) for d in a.shape), str(a.dtype),
                   0.0 if empty else float(values.min()), 0.0 if empty else float(values.max()),
                   0.0 if empty else float(values.mean()), 0.0 if empty else float(np.linalg.norm(values.ravel())))


def compact(value, limit: int = FULL_ELEMENTS):
    """`value` as a result carries it: an array over `limit` elements becomes its ValueSummary."""
    if isinstance(value, np.ndarray) and value.size > limit and value.dtype.kind in "biuf":
        return ValueSummary.of(value)
    return value


def format_number(x) -> str:
    """Four significant decimals like PyTorch's default print, without trailing noise."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x)}."
    if 1e-4 <= abs(x) < 1e6:
        return f"{x:.4f}"
    return f"{x:.4e}"


def shape_text(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return format_number(a.item())
    # rows of a matrix on their own lines, like PyTorch prints them
    joiner = ",\n " if a.ndim >= 2 else ", "
    return "[" + joiner.join(_nested(row).replace("\n", "\n ") for row in a) + "]"


def value_text(value, lang: str = "en", small: int = SMALL_SIZE, one_line: bool = False) -> str:
    """A value as text: python scalars and small arrays in full (nested brackets), else a summary line."""
    if value is None:
        return "None"
    if isinstance(value, ValueSummary):
        return t("value.summary", lang, shape=shape_text(value.shape), min=format_number(value.min),
                 max=format_number(value.max), mean=format_number(value.mean))
    if not isinstance(value, np.ndarray) and np.ndim(value) == 0 and not isinstance(value, (list, tuple)):
        return format_number(value)
    a = np.asarray(value)
    if a.size == 0:
        return t("value.empty", lang, shape=shape_text(a.shape))
    if a.size <= small:
        text = _nested(a)
        return " ".join(text.split("\n ")) if one_line else text
    if a.dtype == np.bool_:
        a = a.astype(np.int64)
    return t(
        "value.summary", lang, shape=shape_text(a.shape), min=format_number(a.min()), max=format_number(a.max()),
        mean=format_number(a.mean()),
    )
