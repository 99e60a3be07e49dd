"""An answer checked against a question, and a wrong one diagnosed.

Right means close to the expected value (relative and absolute tolerance, so the four digits the app prints
are enough) with the expected shape. A wrong answer is compared with what plausible mistakes give, and the
verdict names the chain-rule step that went wrong:

- "incoming": the local derivative alone (the incoming gradient was left out);
- "local": the shape is right but the answer is not incoming gradient × local derivative (passing the
  incoming gradient on unchanged is this mistake too);
- "broadcast": the answer has the broadcast (unreduced) shape, or its sum is the right answer;
- "accumulation": one path's or one pass's gradient instead of their sum;
- "detach": the other descent's end (with detach() where there is none, or the reverse);
- "shape": another shape that no broadcast explains;
- "descent": any other end point of the descent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explorer.classroom.questions import Question, reduce_to
from explorer.text.values import format_number

RTOL = 1e-2
ATOL = 1e-3


@dataclass(frozen=True)
class Verdict:
    right: bool
    step: str | None = None  # the step that went wrong (module docstring), None when right
    params: dict = field(default_factory=dict)


def close(answer, expected) -> bool:
    answer = np.asarray(answer, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if answer.shape != expected.shape:
        return False
    return bool(np.allclose(answer, expected, rtol=RTOL, atol=ATOL * max(1.0, float(np.max(np.abs(expected),
                                                                                          initial=0.0)))))


def shape_text(shape: tuple) -> str:
    return "()" if not shape else "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def check(question: Question, answer: np.ndarray) -> Verdict:
    expected = question.expected
    if close(answer, expected):
        return Verdict(True)
    if question.kind == "descent":
        return _descent(question, answer)
    params = {"node": question.node, "target": question.target, "input": question.input_name,
              "shape": shape_text(expected.shape), "got": shape_text(np.shape(answer))}
    if question.kind == "grad":
        return _grad(question, answer, params)
    if answer.shape != expected.shape:
        return _shape(question, answer, params)
    if question.local is not None and not close(question.local, expected) and close(answer, question.local):
        return Verdict(False, "incoming", params)
    return Verdict(False, "local", params)


def _shape(question: Question, answer: np.ndarray, params: dict) -> Verdict:
    expected = question.expected
    unreduced_shape = question.unreduced.shape if question.unreduced is not None else None
    if answer.shape == unreduced_shape or (answer.ndim > expected.ndim and answer.size > expected.size):
        reduced = reduce_to(answer, expected.shape)
        right_numbers = (reduced is not None and close(reduced, expected)) or \
            (expected.size == 1 and close(np.sum(answer), expected.reshape(())))
        if answer.shape == unreduced_shape or right_numbers:
            return Verdict(False, "broadcast", {**params, "numbers": right_numbers})
    if expected.size == 1 and answer.size > 1 and close(np.sum(answer), expected.reshape(())):
        return Verdict(False, "broadcast", {**params, "numbers": True})
    return Verdict(False, "shape", params)


def _grad(question: Question, answer: np.ndarray, params: dict) -> Verdict:
    expected = question.expected
    if answer.shape != expected.shape:
        return Verdict(False, "shape", params)
    incoming = question.received
    if question.old is not None and incoming is not None and close(answer, incoming):
        return Verdict(False, "accumulation", {**params, "passes": True})
    if question.old is not None and close(answer, question.old):
        return Verdict(False, "accumulation", {**params, "passes": True})
    if len(question.contributions) > 1 and any(close(answer, c) for c in question.contributions):
        return Verdict(False, "accumulation", {**params, "passes": False})
    return Verdict(False, "local", params)


def _point(p) -> str:
    return "(" + ", ".join(format_number(float(x)) for x in np.ravel(p)) + ")"


def _descent(question: Question, answer: np.ndarray) -> Verdict:
    params = {"shape": "(2,)", "got": shape_text(np.shape(answer))}
    if np.size(answer) != 2:
        return Verdict(False, "shape", params)
    answer = np.ravel(answer)
    if question.other_end is not None and close(answer, question.other_end):
        return Verdict(False, "detach", {"detached": question.detached})
    if question.start is not None and close(answer, question.start):
        return Verdict(False, "descent", {"start": True})
    return Verdict(False, "descent", {"start": False})
