"""A typed answer is read with ast.literal_eval only, after bounds; anything else is a one-line refusal."""

from __future__ import annotations

import time

import numpy as np
import pytest

from explorer.classroom.answers import MAX_CHARS, MAX_DEPTH, MAX_ELEMENTS, AnswerError, as_literal, parse_answer
from explorer.text import t


@pytest.mark.parametrize("text, expected", [
    ("0.5", 0.5), ("-2", -2.0), (" 1e-3 ", 1e-3), ("[1, 2.5]", [1.0, 2.5]), ("(1, -1)", [1.0, -1.0]),
    ("[[1., 2.], [3., 4.]]", [[1, 2], [3, 4]]), ("tensor([0.2661, 0.1179])", [0.2661, 0.1179]),
    ("torch.tensor([[1., 2.]])", [[1.0, 2.0]]), ("tensor(-1.)", -1.0),
    ("tensor([1., 2.], grad_fn=<AddBackward0>)", [1.0, 2.0]),
    ("tensor([[ 4.,  0.],\n        [ 0.,  8.]])", [[4, 0], [0, 8]]),
    ("[0.5，-0.5]", [0.5, -0.5]), ("（1，０.5）".replace("０", "0"), [1.0, 0.5]), ("−1", -1.0), ("1_000", 1000.0),
])
def test_numbers_and_lists_are_read(text, expected):
    value = parse_answer(text)
    assert value.dtype == np.float64
    np.testing.assert_array_equal(value, np.array(expected, dtype=np.float64))


@pytest.mark.parametrize("text, key", [
    ("", "classroom.answer.empty"), ("   ", "classroom.answer.empty"),
    ("__import__('os').system('true')", "classroom.answer.syntax"),
    ("open('/etc/passwd').read()", "classroom.answer.syntax"), ("x", "classroom.answer.syntax"),
    ("1/3", "classroom.answer.syntax"), ("2**1000", "classroom.answer.syntax"), ("nan", "classroom.answer.syntax"),
    ("float('inf')", "classroom.answer.syntax"), ("lambda: 0", "classroom.answer.syntax"),
    ("[1, 2", "classroom.answer.syntax"), ("1\x002", "classroom.answer.syntax"),
    ("[i for i in range(9)]", "classroom.answer.syntax"),
    ("'0.5'", "classroom.answer.not_number"), ("b'1'", "classroom.answer.not_number"),
    ("True", "classroom.answer.not_number"), ("None", "classroom.answer.not_number"),
    ("1j", "classroom.answer.not_number"), ("1+2j", "classroom.answer.not_number"),
    ("{1: 2}", "classroom.answer.not_number"), ("{1, 2}", "classroom.answer.not_number"),
    ("[1, 'a']", "classroom.answer.not_number"), ("...", "classroom.answer.not_number"),
    ("1e999", "classroom.answer.not_finite"), ("-1e400", "classroom.answer.not_finite"),
    ("9" * 400, "classroom.answer.not_finite"), ("[1, 1e309]", "classroom.answer.not_finite"),
    ("[[1, 2], [3]]", "classroom.answer.ragged"), ("[1, [2]]", "classroom.answer.ragged"),
    ("[" * 50 + "]" * 50, "classroom.answer.too_deep"), ("[" * 100_000, "classroom.answer.too_long"),
    ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "classroom.answer.too_deep"),
    ("1" * (MAX_CHARS + 1), "classroom.answer.too_long"),
    ("[" + ",".join(["1"] * (MAX_ELEMENTS + 1)) + "]", "classroom.answer.too_many"),
    ("[" + "[1,2]," * 600 + "]", "classroom.answer.too_many"),
])
def test_anything_else_is_refused_with_one_line(text, key):
    with pytest.raises(AnswerError) as caught:
        parse_answer(text)
    assert caught.value.key == key
    for lang in ("en", "zh"):
        message = caught.value.message(lang)
        assert message and "\n" not in message and "{" not in message


def test_a_huge_or_deep_answer_is_refused_fast():
    """Bounded before parsing: no deep recursion in the parser, no big objects built."""
    started = time.perf_counter()
    for text in ("[" * 10**6, "9" * 10**6, "[" * 3000 + "]" * 3000, "-" * 3000 + "1", "1e" + "9" * 3000):
        with pytest.raises(AnswerError):
            parse_answer(text)
    print(f"five hostile answers refused in {time.perf_counter() - started:.4f} s")


def test_messages_exist_in_both_languages():
    for key in ("empty", "too_long", "too_deep", "too_many", "syntax", "not_number", "not_finite", "ragged"):
        assert t(f"classroom.answer.{key}", "zh", n=1, what="str") != t(f"classroom.answer.{key}", "en", n=1,
                                                                       what="str")


def test_as_literal_round_trips():
    for value in (-1.0, [0.2661, 0.1179], [[4.0, 0.0], [0.0, 12.0]], 3e-7):
        np.testing.assert_allclose(parse_answer(as_literal(value)), np.array(value), rtol=1e-3)
    assert as_literal(2) == "2."
