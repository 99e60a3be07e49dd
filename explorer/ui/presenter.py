"""Presenter view, for a projector: large type, the Playground's editor folded away, the sidebar closed, and
Page Down / Page Up (what a presenter's clicker sends) stepping the step-through as → / ← do. It is part of the
link (`present=1`), so a teacher opens a lesson straight into it; a switch in the sidebar turns it on and off.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from explorer.text import t
from explorer.ui import session

MARKER = "agx-presenting"  # the keys script (explorer/ui/a11y.py) looks for it

# Everything in rem grows with the root size: 17 px (the theme's base) to 26 px. The page's side padding shrinks
# so the larger text keeps the width it needs; code and captions grow with it, and so do the graphs, whose SVG
# text has sizes in px (explorer/graph/svg.py): the whole picture is zoomed by the same 26/17 (its box scrolls).
CSS = f"""
html {{ font-size: 26px !important; }}
.stMainBlockContainer {{ max-width: 100% !important; padding: 1.2rem 1.5rem 4rem !important; }}
.stApp :is([data-testid='stCode'] code, .text-block, .program-stderr) {{ font-size: 0.9rem !important;
  line-height: 1.35 !important; }}
.stApp [data-testid='stCaptionContainer'] {{ font-size: 0.8rem !important; }}
.{MARKER} {{ display: none; }}
.stApp svg.autograd-graph {{ zoom: {26 / 17:.3f}; }}
"""


def presenting() -> bool:
    return bool(st.session_state.get("present", False))


def sidebar_state() -> str:
    """The sidebar starts closed in presenter view (the page gets the projector's whole width)."""
    return "collapsed" if presenting() else "auto"


def step_columns() -> list[int]:
    """The step-through's two columns: the step's text gets more room in presenter view's large type."""
    return [6, 6] if presenting() else [4, 8]


def setup(lang: str) -> None:
    """The sidebar's switch, and the presenter view's style when it is on."""
    st.sidebar.toggle(t("a11y.present", lang), help=t("a11y.present_help", lang),
                      **session.bound("present_widget", "present"))
    if presenting():
        st.html(f'<style>{CSS}</style><div class="{MARKER}"></div>')


def folded(lang: str):
    """Around the Playground's editor: an expander, closed, in presenter view; nothing otherwise."""
    if presenting():
        return st.expander(t("a11y.present_editor", lang), expanded=False)
    return contextlib.nullcontext()
