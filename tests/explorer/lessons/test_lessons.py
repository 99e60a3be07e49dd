"""The lessons run in the sandbox and print the seeds' numbers; each is found again from its code."""

from __future__ import annotations

from explorer.lessons import LESSON_BY_KEY, LESSONS, lesson_for_code
from explorer.sandbox import run_program


def run(source, overrides=None):
    return run_program(source, requires_grad_overrides=overrides, isolated=False)


def test_every_lesson_runs_and_only_the_int_lesson_fails():
    for lesson in LESSONS:
        result = run(lesson.code)
        if lesson.key == "requires_grad_rules":
            assert result.error.kind == "RuntimeError"
            assert result.error.line == lesson.code.split("\n").index("n.requires_grad = True") + 1
        else:
            assert result.ok, (lesson.key, result.error)
        assert lesson.title["zh"] and lesson.text["zh"] and lesson.text["en"] != lesson.text["zh"]
        assert lesson_for_code("\n" + lesson.code + "\n\n") is lesson


def test_lessons_print_the_seed_numbers():
    grads = run(LESSON_BY_KEY["autograd_grad"].code).text()
    assert "(tensor([2., 4., 8.]), tensor([0.1000, 0.0500]))" in grads
    assert "0.333333 -0.333333" in run(LESSON_BY_KEY["descent_detach"].code).text()
    text = run(LESSON_BY_KEY["accumulation"].code).text()
    assert "[8., 4., 4., 4., 4.]" in text and "[4., 2., 2., 2., 2.]" in text
    assert run(LESSON_BY_KEY["no_grad_detach"].code).text().endswith("True\nFalse\nFalse\n")
