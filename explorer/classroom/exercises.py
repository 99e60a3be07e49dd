"""The ready exercises, built from the lessons, and the question ids an exercise link carries.

A ready exercise is a program (a lesson's code, or a small variant of it whose tensors are small enough to
type), the ids of the questions it asks (explorer/classroom/questions.py) and its title and text in the
catalogue (`classroom.exercise.<key>.title` / `.text`). Opening one sets the Step-through in Predict mode on
that program: exactly what a teacher's exercise link does, so a link is all an exercise needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.classroom.questions import ID
from explorer.lessons import LESSON_BY_KEY
from explorer.text import t

MAX_IDS = 64


@dataclass(frozen=True)
class ReadyExercise:
    key: str
    lesson: str  # the lesson it is built from (explorer/lessons)
    program: str
    asked: tuple[str, ...]

    def title_in(self, lang: str) -> str:
        return t(f"classroom.exercise.{self.key}.title", lang)

    def text_in(self, lang: str) -> str:
        return t(f"classroom.exercise.{self.key}.text", lang)


READY: tuple[ReadyExercise, ...] = (
    ReadyExercise("bce_layer", "one_layer", LESSON_BY_KEY["one_layer"].code,
                  ("s0.0.0", "s0.1.1", "s0.3.0", "s0.4.1")),
    ReadyExercise("broadcast", "one_layer", """import torch
torch.manual_seed(0);

x = torch.ones(2, 5)  # a batch of two inputs
y = torch.zeros(2, 3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)  # one bias, added to both rows
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

loss.backward()
print(b.grad)
""", ("s0.0.0", "s0.1.1", "s0.3.1")),
    ReadyExercise("accumulation", "accumulation", """import torch

inp = torch.eye(2, 3, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
""", ("s0.0.0", "s0.1.0", "g1.3")),
    ReadyExercise("jacobian", "jacobian", LESSON_BY_KEY["jacobian"].code, ("s0.0.0", "s0.1.0")),
    ReadyExercise("detach", "descent_detach", """import torch

a = torch.tensor(0.5).requires_grad_()
b = torch.tensor(-0.5).requires_grad_()
l = (a - 1)**2 + (b + 1)**2 + (a.detach() - b)**2
l.backward()
print(a.grad, b.grad)
""", ("s0.1.0", "s0.2.1", "g0.6", "g0.9", "d1", "d0")),
)

READY_BY_KEY = {exercise.key: exercise for exercise in READY}


def encode_ids(ids) -> str:
    return ",".join(ids)


def decode_ids(text: str | None) -> tuple[str, ...]:
    """The question ids a link carries, in order, without duplicates; malformed ones are dropped."""
    out: list[str] = []
    for item in (text or "")[:2000].split(","):
        item = item.strip()
        if ID.match(item) and item not in out:
            out.append(item)
    return tuple(out[:MAX_IDS])
