"""Short text for tensor values in hovers and formulas: small arrays in full, large ones summarised."""

from __future__ import annotations

import numpy as np

from explorer.text.catalogue import t

SMALL_SIZE = 25  # up to this many elements (a 5x5 matrix) a value is printed in full


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
