"""Autograd Explorer: `streamlit run explorer/app.py`. Routing only; each page is a function in app_pages/.

(Not `pages/`: a folder of that name beside this script switches Streamlit to its old directory-based page
mode, in which reruns skip this script and the sidebar's language switch disappears.)
"""

import sys
from pathlib import Path

# `streamlit run explorer/app.py` puts explorer/ on the path; the pages import the `explorer` package
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import streamlit as st  # noqa: E402

from explorer.app_pages import descent, lessons, playground, session, step_through  # noqa: E402
from explorer.text import t  # noqa: E402

PAGES = {"playground": playground.render, "step_through": step_through.render, "descent": descent.render,
         "lessons": lessons.render}


def main() -> None:
    lang = session.start()
    st.set_page_config(page_title=t("app.title", lang), page_icon=":material/account_tree:", layout="wide")
    pages = {
        name: st.Page(render, title=t(f"page.{name}", lang), icon=session.PAGE_ICONS[name], url_path=name,
                      default=name == "playground")
        for name, render in PAGES.items()
    }
    current = st.navigation(list(pages.values()))
    session.follow_link(pages, current)
    current.run()


# Streamlit runs this file as __main__; worker processes that re-import it (as __mp_main__) must not draw

if __name__ == "__main__":
    main()
