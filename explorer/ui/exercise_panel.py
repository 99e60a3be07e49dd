"""Classroom mode on the step-through: "Predict, then see", the teacher's links, and the ready exercises.

The questions, checking, hints and score are pure (explorer/classroom/); this module draws them. In Predict
mode the panel takes the step-through's place below the pass picker's heading: the frame text, the graph and
the animation all show the gradients the learner is asked for, so none of them is drawn until the exercise is
over (turn Predict off to see them). An exercise is the session's `exercise` (question ids) and `solution`
(answers shown), which the link carries (explorer/ui/link.py), so a teacher's link opens the same exercise.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from urllib.parse import urlencode

import streamlit as st

from explorer.classroom.exercises import READY
from explorer.classroom.hints import answer_text, given_lines, hint, prompt, step_name
from explorer.classroom.questions import MAX_ELEMENTS, descent_questions, interesting, run_questions
from explorer.classroom.scoring import Progress
from explorer.text import t
from explorer.ui import cache, session
from explorer.ui.graph_chart import graph_chart
from explorer.ui.link import DescentSettings, encode_query

DESCENT_IDS = ("d0", "d1")


@cache.cached(cache.FIGURES)
def _run_questions(program: str, overrides: tuple, lang: str) -> tuple:
    return tuple(run_questions(cache.run(program, overrides, lang)))


def _descent_settings() -> tuple:
    d = st.session_state.descent
    return (d["loss"], d["detached"], (float(d["start_a"]), float(d["start_b"])), float(d["lr"]), int(d["steps"]),
            d["optimizer"])


def questions_by_id(program: str, overrides: tuple, lang: str, with_descent: bool) -> dict:
    found = {q.id: q for q in _run_questions(program, overrides, lang)}
    if with_descent:
        built, _ = cache.descent_demo(*_descent_settings())
        found.update((q.id, q) for q in descent_questions(built))
    return found


def _progress(program: str, overrides: tuple) -> Progress:
    """The learner's tries, kept while the program and the exercise stay the same."""
    ss = st.session_state
    key = (program, overrides, tuple(ss.exercise))
    if ss.get("classroom_key") != key:
        ss.classroom_key = key
        ss.classroom_progress = Progress()
    return ss.classroom_progress


def _toggled(program: str, overrides: tuple, lang: str) -> None:
    ss = st.session_state
    ss.solution = False
    if not ss.predict_toggle:
        ss.exercise = ()
        return
    questions = [q for q in _run_questions(program, overrides, lang)
                 if q.pass_index == ss.pass_index and interesting(q)]
    ss.exercise = tuple(q.id for q in questions)
    ss.classroom_empty = not questions


def _check(question) -> None:
    ss = st.session_state
    ss.classroom_progress.answer(question, ss.get(f"answer_{question.id}", ""))


def _reveal(question) -> None:
    st.session_state.classroom_progress.reveal(question)


def _restart() -> None:
    st.session_state.classroom_key = None


def _picked(order: tuple) -> None:
    ss = st.session_state
    chosen = set(ss.teacher_pick)
    ss.exercise = tuple(q for q in order if q in chosen)
    ss.solution = False


def render(program: str, overrides: tuple, result, lang: str) -> bool:
    """The Predict toggle, and in Predict mode the exercise; True when the exercise took the page."""
    ss = st.session_state
    ss.setdefault("exercise", ())
    ss.setdefault("solution", False)
    ss.predict_toggle = bool(ss.exercise)
    st.toggle(t("classroom.predict", lang), key="predict_toggle", on_change=_toggled,
              args=(program, overrides, lang), help=t("classroom.predict_help", lang))
    if ss.pop("classroom_empty", False):
        st.info(t("classroom.no_questions", lang, n=MAX_ELEMENTS))
    if not ss.exercise:
        return False
    with_descent = any(q in DESCENT_IDS for q in ss.exercise)
    found = questions_by_id(program, overrides, lang, with_descent)
    questions = [found[q] for q in ss.exercise if q in found]
    missing = len(ss.exercise) - len(questions)
    if missing:
        st.caption(t("classroom.missing", lang, n=missing))
    if not questions:
        st.info(t("classroom.no_questions", lang, n=MAX_ELEMENTS))
    elif ss.solution:
        solution(program, overrides, questions, lang)
    else:
        exercise(program, overrides, questions, lang)
    teacher_links(program, overrides, found, lang)
    return True


def _reveal_text(program: str, overrides: tuple, question, lang: str) -> str:
    """The frame with the numbers put in (the step-through's text), or where each descent ends."""
    if question.kind == "descent":
        built, _ = cache.descent_demo(*_descent_settings())
        if built is None:
            return ""
        lines = []
        for variant in built.variants:
            name = t("descent.true" if variant.key == "true" else "descent.detached_variant", lang)
            lines.append(t("descent.end", lang, variant=name, end=variant.path.end_text()))
        return "\n".join(lines)
    frames = cache.frames(program, overrides, lang, question.pass_index)
    return frames[question.step].text if question.step < len(frames) else ""


def _heading(i: int, n: int, question, lang: str) -> None:
    st.markdown(f"**{t('classroom.question', lang, i=i, n=n)}** — {prompt(question, lang)}")


def exercise(program: str, overrides: tuple, questions: list, lang: str) -> None:
    progress = _progress(program, overrides)
    score = progress.score(questions)
    program_box(program, lang)
    st.caption(t("classroom.intro", lang))
    st.markdown(f"**{t('classroom.score', lang, right=score.right, total=score.total, first=score.first_try)}**")
    st.progress(score.done / score.total)
    current = progress.current(questions)
    # the questions, and beside them the current question's pass drawn without its gradients
    drawn = current is not None and current.kind != "descent"
    left, right = st.columns([5, 6], gap="large") if drawn else (st.container(), None)
    if right is not None:
        with right:
            predict_graph(program, overrides, current, lang)
    with left:
        questions_list(program, overrides, questions, progress, current, lang)
    if score.finished:
        st.success(t("classroom.finished", lang, right=score.right, total=score.total, first=score.first_try))
        st.button(t("classroom.restart", lang), key="classroom_restart", on_click=_restart)


def questions_list(program: str, overrides: tuple, questions: list, progress: Progress, current, lang: str) -> None:
    """The questions answered so far, with their answers, then the current one."""
    n = len(questions)
    for i, question in enumerate(questions, 1):
        attempt = progress.of(question.id)
        if question is current:
            active_question(program, overrides, question, attempt, i, n, lang)
            if i < n:
                st.caption(t("classroom.more", lang, n=n - i))
            break
        with st.container(border=True, key=f"classroom_done_{i}"):
            _heading(i, n, question, lang)
            if attempt.right:
                st.success(f"{t('classroom.right', lang)} {t('classroom.answer_was', lang, v=answer_text(question))}")
            else:
                st.info(f"{t('classroom.revealed', lang)} — {t('classroom.answer_was', lang, v=answer_text(question))}")
            session.text_block(_reveal_text(program, overrides, question, lang))


def active_question(program: str, overrides: tuple, question, attempt, i: int, n: int, lang: str) -> None:
    with st.container(border=True, key="classroom_active"):
        _heading(i, n, question, lang)
        st.caption(t("classroom.given", lang))
        session.text_block("\n".join(given_lines(question, lang)))
        with st.form(key=f"form_{question.id}", border=False, enter_to_submit=True):
            st.text_input(t("classroom.your_answer", lang), key=f"answer_{question.id}", max_chars=4000,
                          placeholder="0.5  ·  [1., 2.]  ·  [[1., 2.], [3., 4.]]")
            st.form_submit_button(t("classroom.check", lang), type="primary", on_click=_check, args=(question,))
        if attempt.error is not None:
            st.error(attempt.error.message(lang))
        elif attempt.verdict is not None and not attempt.verdict.right:
            st.warning(t("classroom.wrong", lang, step=step_name(attempt.verdict, lang),
                         hint=hint(question, attempt.verdict, attempt.tries, lang)))
        st.button(t("classroom.show", lang), key=f"show_{question.id}", on_click=_reveal, args=(question,))


def predict_graph(program: str, overrides: tuple, question, lang: str) -> None:
    """The current question's backward pass, drawn without its gradients and backward formulas: where each
    gradient goes, to reason along, not what it is. It stays in view while the questions above scroll away."""
    st.html("<style>[data-testid='stColumn']:has(.st-key-predict_graph) { position: sticky; top: 4rem;"
            " align-self: flex-start; }</style>")
    with st.container(key="predict_graph"), st.expander(t("classroom.graph", lang), expanded=True):
        st.caption(t("classroom.graph_help", lang))
        svg = cache.predict_svg(program, overrides, lang, question.pass_index, session.theme())
        graph_chart(svg, "predict_chart", filename="backward-predict", lang=lang)


def program_box(program: str, lang: str) -> None:
    """The program the questions are about (the step-through has no editor of its own)."""
    with st.expander(t("classroom.program", lang), expanded=True):
        st.code(program, language="python")


def solution(program: str, overrides: tuple, questions: list, lang: str) -> None:
    program_box(program, lang)
    st.info(t("classroom.solution_mode", lang))
    n = len(questions)
    for i, question in enumerate(questions, 1):
        with st.container(border=True):
            _heading(i, n, question, lang)
            session.text_block("\n".join(given_lines(question, lang)))
            st.success(t("classroom.answer_was", lang, v=answer_text(question)))
            session.text_block(_reveal_text(program, overrides, question, lang))


def _label(question, lang: str) -> str:
    if question.kind == "descent":
        return f"{t('page.descent', lang)}: {prompt(question, lang)}"
    return t("classroom.label", lang, k=question.pass_index + 1, i=question.step + 1, q=prompt(question, lang))


def link_to(page_state) -> str:
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(encode_query(page_state))}"


def teacher_links(program: str, overrides: tuple, found: dict, lang: str) -> None:
    ss = st.session_state
    with st.expander(t("classroom.teacher", lang)):
        if not any(q in found for q in DESCENT_IDS):  # the descent's questions, offered with any program
            built, _ = cache.descent_demo(*_descent_settings())
            found = {**found, **{q.id: q for q in descent_questions(built)}}
        order = tuple(found)
        ss.teacher_pick = [q for q in ss.exercise if q in found]
        st.multiselect(t("classroom.teacher_pick", lang), list(order), key="teacher_pick",
                       format_func=lambda q: _label(found[q], lang), on_change=_picked, args=(order,))
        st.caption(t("classroom.teacher_help", lang))
        state = replace(session.state("step_through"), step=0)
        st.caption(t("classroom.exercise_link", lang))
        st.code(link_to(replace(state, solution=False)), language=None, wrap_lines=True)
        st.caption(t("classroom.solution_link", lang))
        st.code(link_to(replace(state, solution=True)), language=None, wrap_lines=True)


def start_ready(exercise_key: str) -> None:
    """Open a ready exercise: its program, its questions, the descent demo's defaults."""
    ss = st.session_state
    ready = next(e for e in READY if e.key == exercise_key)
    ss.program = ready.program
    ss.overrides = {}
    ss.node = None
    ss.last_good = None
    ss.pass_index = 0
    ss.step = 0
    ss.exercise = ready.asked
    ss.solution = False
    ss.classroom_key = None
    if any(q in DESCENT_IDS for q in ready.asked):
        ss.descent = asdict(DescentSettings())


def ready_exercises(lang: str) -> None:
    """The ready exercises, each with a button that opens it on the step-through."""
    st.subheader(t("classroom.exercises", lang))
    st.caption(t("classroom.exercises_intro", lang))
    columns = st.columns(len(READY))
    for column, ready in zip(columns, READY):
        with column.container(border=True, height="stretch", key=f"ready_{ready.key}"):
            st.markdown(f"**{ready.title_in(lang)}**")
            st.caption(f"{ready.text_in(lang)} ({t('classroom.questions_count', lang, n=len(ready.asked))})")
            if st.button(t("classroom.start", lang), key=f"exercise_{ready.key}"):
                start_ready(ready.key)
                session.go("step_through")
