"""A learner's typed answer as numbers: a Python literal (a number, or nested lists/tuples of numbers),
read with `ast.literal_eval` and nothing else, never eval.

The text is bounded before it is parsed (length, bracket nesting), so a hostile answer cannot make the
parser recurse deeply or build a huge object; the parsed value must be finite real numbers in a rectangular
nesting of at most MAX_ELEMENTS. A refusal is an `AnswerError` naming a catalogue key: one line, in the
learner's language. A printed tensor (`tensor([1., 2.])`, as PyTorch prints it) is read as its list, and the
full-width punctuation a Chinese keyboard types (，［］（）) as ASCII.
"""

from __future__ import annotations

import ast
import math
import re

import numpy as np

from explorer.text import t

MAX_CHARS = 4000
MAX_DEPTH = 6
MAX_ELEMENTS = 1024

_FULL_WIDTH = str.maketrans({"，": ",", "［": "[", "］": "]", "（": "(", "）": ")", "－": "-", "−": "-",
                             "．": ".", "　": " ", "＋": "+", "【": "[", "】": "]"})
# tensor([...]) or torch.tensor([...]), with what PyTorch prints after the values (grad_fn=..., dtype=...)
_PRINTED_TENSOR = re.compile(r"^\s*(?:torch\.)?tensor\(\s*(.*?)\s*(?:,\s*[A-Za-z_]+\s*=.*)?\)\s*$", re.DOTALL)


class AnswerError(ValueError):
    """Why an answer was refused: a catalogue key (`classroom.answer.*`) and its parameters."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.params)


def _depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _numbers(value, depth: int = 0):
    """The literal as nested lists of floats; refuses what is not a finite real number or a list of them."""
    if depth > MAX_DEPTH:
        raise AnswerError("classroom.answer.too_deep", n=MAX_DEPTH)
    if isinstance(value, bool) or value is None:
        raise AnswerError("classroom.answer.not_number", what=repr(value))
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            raise AnswerError("classroom.answer.not_finite") from None
        if not math.isfinite(number):
            raise AnswerError("classroom.answer.not_finite")
        return number
    if isinstance(value, (list, tuple)):
        return [_numbers(item, depth + 1) for item in value]
    what = type(value).__name__
    raise AnswerError("classroom.answer.not_number", what=what)


def parse_answer(text: str) -> np.ndarray:
    """The answer's numbers as a float64 array (a 0-d array for a number), or AnswerError."""
    if not isinstance(text, str) or not text.strip():
        raise AnswerError("classroom.answer.empty")
    if len(text) > MAX_CHARS:
        raise AnswerError("classroom.answer.too_long", n=MAX_CHARS)
    text = text.translate(_FULL_WIDTH).strip()
    printed = _PRINTED_TENSOR.match(text)
    if printed:
        text = printed.group(1)
    if _depth(text) > MAX_DEPTH:
        raise AnswerError("classroom.answer.too_deep", n=MAX_DEPTH)
    if text.count(",") + 1 > 4 * MAX_ELEMENTS:
        raise AnswerError("classroom.answer.too_many", n=MAX_ELEMENTS)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, OverflowError):
        raise AnswerError("classroom.answer.syntax") from None
    nested = _numbers(value)
    try:
        array = np.array(nested, dtype=np.float64)
    except ValueError:  # rows of different lengths
        raise AnswerError("classroom.answer.ragged") from None
    if array.size > MAX_ELEMENTS:
        raise AnswerError("classroom.answer.too_many", n=MAX_ELEMENTS)
    return array


def as_literal(value) -> str:
    """A value written as the literal a learner would type (4 significant digits, lists for tensors)."""
    array = np.asarray(value, dtype=np.float64)

    def one(x):
        if isinstance(x, list):
            return "[" + ", ".join(one(item) for item in x) + "]"
        text = f"{x:.4g}"
        return text if any(c in text for c in ".en") else text + "."

    return one(array.tolist())
