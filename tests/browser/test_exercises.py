"""Classroom mode in a real browser: each ready exercise done end to end from the Lessons page, with wrong
answers (the hint names the chain-rule step that went wrong, the score stays) and right ones (the formula with
its numbers shows, the score moves); a teacher's exercise link opened in a fresh browser gives the same
exercise, and the solution link shows the answers. Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

import re

import pytest

from explorer.classroom.exercises import READY, READY_BY_KEY
from explorer.ui.link import AppState, encode_query
from tests.browser.test_app_browser import expect, open_page, wait_idle

pytestmark = pytest.mark.slow

ROW = "[0.2661, 0.1179, 0.0027]"
HALF = "[0.1330, 0.0590, 0.0013]"
# per exercise, per question in order: (a wrong answer or None, the step its hint names, the right answer)
PLANS = {
    "bce_layer": [("[0.7983, 0.3538, 0.0081]", "The local derivative", ROW),
                  ("[1, 1, 1]", "The incoming gradient", ROW),
                  (ROW, "The shape", f"[{ROW}]"),
                  (None, None, "[" + ", ".join([ROW] * 5) + "]")],
    "broadcast": [(None, None, f"[{HALF}, {HALF}]"),
                  (f"[{HALF}, {HALF}]", "The broadcast sum", ROW),
                  (None, None, "[" + ", ".join([ROW] * 5) + "]")],
    "accumulation": [("[[1, 1], [1, 1], [1, 1]]", "The shape", "[[1, 1, 1], [1, 1, 1]]"),
                     (None, None, "[[4, 2, 2], [2, 4, 2]]"),
                     ("[[4, 2, 2], [2, 4, 2]]", "The accumulation", "[[8, 4, 4], [4, 8, 4]]")],
    "jacobian": [("[[4, 2, 2], [2, 4, 2], [2, 2, 4]]", "The incoming gradient", "[[4, 0, 0], [0, 8, 0], [0, 0, 12]]"),
                 (None, None, "[[4, 0, 0], [0, 8, 0], [0, 0, 12]]")],
    "detach": [(None, None, "2"), ("-1", "The incoming gradient", "-2"), ("-2", "The accumulation", "-1"),
               (None, None, "-1"), ("(0.3333, -0.3333)", "The detach()", "(1, 0)"), (None, None, "(0.3333, -0.3333)")],
}


def active(page):
    return page.locator(".st-key-classroom_active")


def score(page):
    return page.locator("[data-testid='stMarkdown']", has_text=re.compile(r"^Score: "))


def submit(page, text: str):
    box = active(page).locator("input[type='text']")
    box.fill(text)
    active(page).get_by_role("button", name="Check").click()
    wait_idle(page)


@pytest.mark.parametrize("key", [ready.key for ready in READY])
def test_a_ready_exercise_end_to_end(page, server, screenshots, key):
    ready = READY_BY_KEY[key]
    assert len(PLANS[key]) == len(ready.asked)
    open_page(page, server, "lessons")
    card = page.locator(f".st-key-ready_{key}")
    expect()(card).to_contain_text(ready.title_in("en"))
    card.get_by_role("button", name="Start exercise").click()
    expect()(page.locator("h1").first).to_have_text("Backward step-through")
    wait_idle(page)
    total = len(ready.asked)
    expect()(score(page)).to_have_text(f"Score: 0 of {total} right, 0 at the first try")
    # predicting: the step's text is not on the page, and the pass is drawn without its gradients and formulas
    graph = page.locator("svg.autograd-graph")
    expect()(graph).to_have_count(1)
    expect()(graph).to_have_attribute("aria-label", re.compile("gradients hidden"))
    hovers = graph.locator("title").all_text_contents()
    assert not any(line.strip().startswith(("backward:", ".grad:", "gradient")) for text in hovers
                   for line in text.split("\n"))
    assert page.locator(".js-plotly-plot").count() == 0
    first = 0
    for number, (wrong, step, answer) in enumerate(PLANS[key], 1):
        expect()(active(page)).to_contain_text(f"Question {number} of {total}")
        if number == 1 and key == "bce_layer":  # code is no answer: refused in one line, and no try counted
            submit(page, "__import__('os').system('ls')")
            expect()(active(page).locator("[data-testid='stAlert']")).to_have_text(
                "Not a number or a list of numbers: type e.g. 0.5 or [[1., 2.], [3., 4.]] (numbers only, no "
                "calculations such as 1/3).")
        if wrong is not None:
            submit(page, wrong)
            expect()(active(page).locator("[data-testid='stAlert']")).to_contain_text(f"Not yet. {step}:")
            expect()(score(page)).to_have_text(f"Score: {number - 1} of {total} right, {first} at the first try")
            if number == 1 or step in ("The broadcast sum", "The accumulation", "The detach()"):
                page.screenshot(path=str(screenshots / f"exercise_{key}_hint_{number}.png"), full_page=True)
        submit(page, answer)
        first += wrong is None
        expect()(score(page)).to_have_text(f"Score: {number} of {total} right, {first} at the first try")
        card = page.locator(f".st-key-classroom_done_{number}")
        expect()(card).to_contain_text(f"Question {number} of {total}")
        expect()(card).to_contain_text("Right! The answer:")
    expect()(page.get_by_text(f"Exercise done: {total} of {total} right, {first} at the first try.")).to_be_visible()
    page.screenshot(path=str(screenshots / f"exercise_{key}_done.png"), full_page=True)


def test_a_teacher_link_opens_the_same_exercise_in_a_fresh_browser(browser, page, server, screenshots):
    """A teacher turns Predict on for a program, keeps three questions, switches to Chinese and copies the links;
    a fresh browser (no session, no cookies) opens each."""
    program = READY_BY_KEY["bce_layer"].program
    open_page(page, server, "step_through", encode_query(AppState(program=program, page="step_through")))
    page.get_by_text("Predict, then see").click()
    wait_idle(page)
    expect()(score(page)).to_have_text("Score: 0 of 5 right, 0 at the first try")
    page.get_by_text("For teachers: exercise and solution links").click()
    picker = page.locator("[data-testid='stMultiSelect']")
    for _ in range(2):  # drop the first two questions: the exercise asks the last three
        picker.get_by_role("button", name=re.compile("^Remove")).first.click()
        wait_idle(page)
    expect()(score(page)).to_have_text("Score: 0 of 3 right, 0 at the first try")
    page.get_by_text("中文").click()
    wait_idle(page)
    question = active(page).locator("[data-testid='stMarkdown']").first
    expect()(question).to_contain_text("第 1 题，共 3 题")
    asked = question.inner_text()
    page.get_by_text("教师：练习链接与答案链接").click()  # the expander, now under its Chinese label
    links = page.locator("[data-testid='stCode']", has_text="ex=")
    exercise_link, solution_link = (links.nth(i).inner_text().strip() for i in range(2))
    assert exercise_link.startswith(server.url) and "lang=zh" in exercise_link
    assert "ex=s0.1.1%2Cs0.3.0%2Cs0.4.1" in exercise_link and solution_link == exercise_link + "&sol=1"
    page.screenshot(path=str(screenshots / "exercise_teacher_links.png"), full_page=True)
    for link, solution in ((exercise_link, False), (solution_link, True)):
        context = browser.new_context(viewport={"width": 1600, "height": 1100})
        fresh = context.new_page()
        fresh.set_default_timeout(60_000)
        try:
            fresh.goto(link)
            expect()(fresh.locator("h1").first).to_have_text("反向传播逐步")
            wait_idle(fresh)
            if solution:
                expect()(fresh.get_by_text("答案：每道题都显示答案和公式。")).to_be_visible()
                answers = fresh.locator("[data-testid='stAlert']", has_text="答案：[")
                expect()(answers).to_have_count(3)
                expect()(answers.first).to_contain_text("答案：[0.2661, 0.1179, 0.002687]")
            else:
                expect()(active(fresh).locator("[data-testid='stMarkdown']").first).to_have_text(asked)
                expect()(score(fresh)).to_have_count(0)  # the score line is in Chinese
                expect()(fresh.get_by_text("得分：3 题中答对 0 题，其中 0 题一次答对")).to_be_visible()
            fresh.screenshot(path=str(screenshots / f"exercise_link_{'solution' if solution else 'fresh'}.png"),
                             full_page=True)
        finally:
            context.close()
