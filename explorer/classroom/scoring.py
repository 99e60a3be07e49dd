"""A learner's progress through an exercise: tries per question and the score.

`Progress` is plain data (kept in the session): for each question id, how many answers were checked, whether
one was right, whether the answer was shown instead, and the last verdict. An answer that cannot be read
(explorer/classroom/answers.py) is no try: it is a typing problem, not a wrong prediction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.classroom.answers import AnswerError, parse_answer
from explorer.classroom.checking import Verdict, check
from explorer.classroom.questions import Question


@dataclass
class Attempt:
    tries: int = 0
    right: bool = False
    revealed: bool = False
    verdict: Verdict | None = None
    error: AnswerError | None = None  # the last answer could not be read
    answer: str = ""

    @property
    def done(self) -> bool:
        return self.right or self.revealed

    @property
    def first_try(self) -> bool:
        return self.right and self.tries == 1


@dataclass
class Progress:
    attempts: dict[str, Attempt] = field(default_factory=dict)

    def of(self, question_id: str) -> Attempt:
        return self.attempts.setdefault(question_id, Attempt())

    def answer(self, question: Question, text: str) -> Attempt:
        """Check a typed answer to a question not yet done; returns the question's attempt."""
        attempt = self.of(question.id)
        if attempt.done:
            return attempt
        attempt.answer = text
        try:
            value = parse_answer(text)
        except AnswerError as error:
            attempt.error = error
            return attempt
        attempt.error = None
        attempt.tries += 1
        attempt.verdict = check(question, value)
        attempt.right = attempt.verdict.right
        return attempt

    def reveal(self, question: Question) -> Attempt:
        attempt = self.of(question.id)
        if not attempt.right:
            attempt.revealed = True
        return attempt

    def current(self, questions: list[Question]) -> Question | None:
        """The first question not yet done, in the exercise's order."""
        return next((q for q in questions if not self.of(q.id).done), None)

    def score(self, questions: list[Question]) -> Score:
        attempts = [self.of(q.id) for q in questions]
        return Score(len(questions), sum(a.right for a in attempts), sum(a.first_try for a in attempts),
                     sum(a.done for a in attempts))


@dataclass(frozen=True)
class Score:
    total: int
    right: int
    first_try: int
    done: int

    @property
    def finished(self) -> bool:
        return self.done >= self.total
