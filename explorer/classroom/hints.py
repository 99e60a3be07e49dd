"""What a learner reads about a question: the question itself, what is given, the hint after a wrong answer
(naming the chain-rule step that went wrong, more precise after a second wrong try), and the answer."""

from __future__ import annotations

import numpy as np

from explorer.classroom.answers import as_literal
from explorer.classroom.checking import Verdict
from explorer.classroom.questions import Question
from explorer.text import t
from explorer.text.values import value_text


def prompt(question: Question, lang: str) -> str:
    if question.kind == "sends":
        return t("classroom.q.sends", lang, node=question.node, input=question.input_name, target=question.target,
                 k=question.pass_index + 1)
    if question.kind == "grad":
        key = "classroom.q.grad_again" if question.old is not None else "classroom.q.grad"
        return t(key, lang, leaf=question.node, k=question.pass_index + 1)
    return t("classroom.q.descent_detached" if question.detached else "classroom.q.descent", lang,
             loss=question.node)


def given_lines(question: Question, lang: str) -> list[str]:
    """The values the learner needs (never the answer)."""
    lines: list[str] = []
    if question.kind == "descent":
        start = question.start if question.start is not None else np.zeros(2)
        return [t("classroom.given.descent", lang, a=as_literal(start[0]), b=as_literal(start[1]),
                  steps=question.given.get("steps", "?"), lr=question.given.get("lr", "?"))]
    if question.forward:
        lines.append(t("frame.forward", lang, f=question.forward))
    if question.received is not None:
        lines.append(t("classroom.given.received", lang, node=question.node if question.kind == "sends" else
                       f"AccumulateGrad ({question.node})", v=value_text(question.received, lang)))
    for name, value in question.given.items():
        lines.append(f"  {name} = {value_text(value, lang) if isinstance(value, np.ndarray) else value}")
    if question.kind == "grad":
        if question.old is None:
            lines.append(t("classroom.given.first", lang, leaf=question.node))
        else:
            lines.append(t("classroom.given.old", lang, leaf=question.node, v=value_text(question.old, lang)))
    return lines


def hint(question: Question, verdict: Verdict, tries: int, lang: str) -> str:
    """One line naming the step that went wrong; from the second wrong try on, the formula to use too."""
    p = verdict.params
    step = verdict.step
    if step == "broadcast":
        text = t("classroom.hint.broadcast_numbers" if p.get("numbers") else "classroom.hint.broadcast", lang, **p)
    elif step == "accumulation":
        key = "classroom.hint.accumulation_passes" if p.get("passes") else "classroom.hint.accumulation_paths"
        text = t(key, lang, leaf=question.node)
    elif step == "local" and question.kind == "grad":
        text = t("classroom.hint.paths", lang, leaf=question.node)
    elif step == "detach":
        text = t("classroom.hint.detach_extra" if p.get("detached") else "classroom.hint.detach_missing", lang)
    elif step == "descent":
        text = t("classroom.hint.descent_start" if p.get("start") else "classroom.hint.descent", lang)
    else:
        text = t(f"classroom.hint.{step}", lang, **p, forward=question.forward)
    if tries >= 2 and question.formula and step in ("local", "incoming", "broadcast", "shape"):
        text += " " + t("classroom.hint.formula", lang, f=question.formula)
    return text


def step_name(verdict: Verdict, lang: str) -> str:
    """The chain-rule step a hint is about, as a short label ("The incoming gradient")."""
    return t(f"classroom.step.{verdict.step}", lang)


def answer_text(question: Question) -> str:
    return as_literal(question.expected)
