"""Lessons: the seeds' lessons as presets; each opens in the Playground (or the Descent demo)."""

import streamlit as st

from explorer.app_pages import session
from explorer.app_text import t
from explorer.lessons import LESSONS


def open_lesson(code: str) -> None:
    ss = st.session_state
    ss.program = code
    ss.overrides = {}
    ss.node = None
    ss.last_good = None
    ss.pass_index = 0
    ss.step = 0


def render() -> None:
    lang = st.session_state.lang
    st.title(t("page.lessons", lang))
    st.caption(t("lessons.intro", lang))
    st.caption(t("lessons.replace_warning", lang))
    for number, lesson in enumerate(LESSONS, start=1):
        with st.container(border=True):
            st.subheader(f"{number}. {lesson.title_in(lang)}")
            st.write(lesson.text_in(lang))
            st.code(lesson.code, language="python")
            columns = st.columns(2)
            if columns[0].button(t("lessons.open", lang), key=f"open_{lesson.key}", type="primary"):
                open_lesson(lesson.code)
                session.go("playground")
            opens_descent = lesson.descent and columns[1].button(t("lessons.open_descent", lang),
                                                                 key=f"descent_{lesson.key}")
            if opens_descent:
                session.go("descent")
    session.publish("lessons")

