"""Lessons: the seeds' lessons as presets; the chosen one opens in the Playground (or the Descent demo)."""

import streamlit as st

from explorer.lessons import LESSON_BY_KEY, LESSONS
from explorer.text import t
from explorer.ui import exercise_panel, session


def open_lesson(code: str) -> None:
    ss = st.session_state
    ss.program = code
    ss.overrides = {}
    ss.node = None
    ss.last_good = None
    ss.pass_index = 0
    ss.step = 0


def render() -> None:
    ss = st.session_state
    lang = ss.lang
    st.title(t("page.lessons", lang))
    st.caption(t("lessons.intro", lang))
    exercise_panel.ready_exercises(lang)
    titles = {lesson.key: f"{number}. {lesson.title_in(lang)}" for number, lesson in enumerate(LESSONS, 1)}
    ss.setdefault("lesson", LESSONS[0].key)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.radio(t("page.lessons", lang), list(titles), format_func=titles.get, label_visibility="collapsed",
                 **session.bound("lesson_picker", "lesson"))
    lesson = LESSON_BY_KEY[ss.lesson]
    with right:
        st.subheader(titles[lesson.key])
        st.write(lesson.text_in(lang))
        st.code(lesson.code, language="python")
        st.caption(t("lessons.replace_warning", lang))
        columns = st.columns(2)
        if columns[0].button(t("lessons.open", lang), key="open_lesson", type="primary"):
            open_lesson(lesson.code)
            session.go("playground")
        if lesson.descent and columns[1].button(t("lessons.open_descent", lang), key="open_descent"):
            session.go("descent")
    session.publish("lessons")
