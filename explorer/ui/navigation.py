"""The app's pages and the way between them: `main()` seeds the session, sets the page up, builds
`st.navigation` from one function per page and runs the chosen one. explorer/app.py (the file
`streamlit run` is given) calls it.
"""

import streamlit as st

from explorer.text import t
from explorer.ui import (
    a11y,
    descent_page,
    lessons_page,
    output_style,
    playground_page,
    presenter,
    session,
    step_through_page,
)

PAGES = {"playground": playground_page.render, "step_through": step_through_page.render,
         "descent": descent_page.render, "lessons": lessons_page.render}


def main() -> None:
    lang = session.start()
    st.set_page_config(page_title=t("app.title", lang), page_icon=":material/account_tree:", layout="wide",
                       initial_sidebar_state=presenter.sidebar_state())
    a11y.setup(session.theme(), lang)
    st.html(f"<style>{output_style.css(session.theme())}</style>")
    presenter.setup(lang)
    pages = {
        name: st.Page(render, title=t(f"page.{name}", lang), icon=session.PAGE_ICONS[name], url_path=name,
                      default=name == "playground")
        for name, render in PAGES.items()
    }
    current = st.navigation(list(pages.values()))
    session.follow_link(pages, current)
    current.run()
