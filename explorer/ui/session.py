"""What every page shares: the session's state (seeded once from the link), the language switch, the link
kept up to date in `st.query_params`, page navigation, and how figures and errors are drawn. The cached runs
and figures are in explorer/ui/cache.py.

State lives in plain session keys (`program`, `overrides`, `lang`, ...) that outlive any widget, so nothing
typed is lost when the language changes or another page is opened; widgets are seeded from those keys
before they are drawn and copy back in their `on_change` callbacks.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import asdict, replace

import streamlit as st

from explorer.sandbox.recent_use import RecentUse
from explorer.text import LANGUAGE_NAMES, LANGUAGES, t
from explorer.ui import cache, output_style
from explorer.ui.editor import error_excerpt
from explorer.ui.link import DEFAULT_STATE, AppState, DescentSettings, decode_query, encode_query

NAVIGATION: dict = {}  # page name -> st.Page of the current run, filled in by explorer/ui/navigation.py
PAGE_ICONS = {"playground": ":material/code:", "step_through": ":material/footprint:",
              "descent": ":material/landscape:", "lessons": ":material/school:"}


# --- session state --------------------------------------------------------------------------------------


def start() -> str:
    """Seed the session from the link on its first run; draw the language switch. Returns the language."""
    ss = st.session_state
    if "program" not in ss:
        state = decode_query(st.query_params.to_dict())
        ss.program = state.program
        ss.overrides = dict(state.overrides)
        ss.lang = state.lang
        ss.view = state.view
        ss.overlay = state.overlay
        ss.pass_index = state.pass_index
        ss.step = state.step
        ss.descent = asdict(state.descent)
        ss.exercise, ss.solution = state.exercise, state.solution  # explorer/ui/exercise_panel.py
        ss.present = state.present
        ss.node = None
        ss.last_good = None
        ss.link_page = state.page if "page" in st.query_params else None
    # code in a monospace font, as in any editor: indentation and columns line up for the class
    st.html("<style>textarea { font-family: 'Source Code Pro', monospace !important; }</style>")
    ss.lang_widget = ss.lang
    st.sidebar.radio(t("app.language", ss.lang), LANGUAGES, key="lang_widget", horizontal=True,
                     format_func=LANGUAGE_NAMES.get, on_change=_copy, args=("lang_widget", "lang"))
    st.sidebar.caption(f"**{t('app.share', ss.lang)}**: {t('app.share_help', ss.lang)}")
    return ss.lang


def _copy(widget_key: str, state_key: str) -> None:
    st.session_state[state_key] = st.session_state[widget_key]


# --- the last version that ran without error ------------------------------------------------------------
# Under an error the Playground keeps showing the graph of the last version that ran; it must be an earlier
# version of the program being edited, never another program: a link, an opened lesson (lessons_page) or a
# text that is not an edit of the one before it (a paste over it) starts the history afresh.

SAME_PROGRAM = 0.6  # the share of lines two versions have in common (difflib); the lessons share at most 0.52


def is_edit_of(old: str, new: str) -> bool:
    """`new` is an edited version of `old`, not another program pasted over it."""
    if old == new:
        return True
    a, b = old.splitlines(), new.splitlines()
    if not a or not b:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_PROGRAM


def program_edited() -> None:
    """The editor's on_change: a text that is not an edit of the previous one forgets the last good version."""
    ss = st.session_state
    new = ss.program_editor
    if not is_edit_of(ss.program, new):
        ss.last_good = None
    ss.program = new


def remember_good(program: str, overrides: tuple, result) -> None:
    if result.error is None:
        st.session_state.last_good = (program, overrides)


def last_good_of(program: str, overrides: tuple, result) -> tuple | None:
    """(program, overrides) of the last version that ran without error, to show under this run's error, or
    None: when this run has no error, nothing ran before, or what ran is not an earlier version of `program`."""
    last = st.session_state.get("last_good")
    if result.error is None or last is None or last == (program, overrides):
        return None
    return last if is_edit_of(last[0], program) else None


def seed(widget_key: str, state_key: str) -> None:
    """Give a widget the session's value before it is drawn (pages call this right before the widget)."""
    st.session_state[widget_key] = st.session_state[state_key]


def bound(widget_key: str, state_key: str) -> dict:
    """Keyword arguments that bind a widget to a session key: seeded now, copied back on change."""
    seed(widget_key, state_key)
    return {"key": widget_key, "on_change": _copy, "args": (widget_key, state_key)}


def follow_link(pages: dict, current) -> None:
    """A link naming another page than the one the URL path opened: go there, once per session."""
    NAVIGATION.clear()
    NAVIGATION.update(pages)
    wanted = st.session_state.pop("link_page", None)
    if wanted in pages and pages[wanted].url_path != current.url_path:
        st.switch_page(pages[wanted])


def go(page: str) -> None:
    st.switch_page(NAVIGATION[page])


def state(page: str) -> AppState:
    ss = st.session_state
    return AppState(program=ss.program, overrides=dict(ss.overrides), page=page, lang=ss.lang, view=ss.view,
                    overlay=ss.overlay, pass_index=ss.pass_index, step=ss.step,
                    descent=replace(DEFAULT_STATE.descent, **ss.descent) if ss.descent else DescentSettings(),
                    exercise=tuple(ss.get("exercise", ())), solution=bool(ss.get("solution", False)),
                    present=ss.get("present", False))


def publish(page: str) -> None:
    """Write the page's state into the URL, so the address bar is always a link to this view."""
    st.session_state.page = page
    params = encode_query(state(page))
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def theme() -> str:
    """The figures follow the browser's light or dark theme."""
    kind = st.context.theme.type
    return kind if kind in ("light", "dark") else "light"


def run(program: str, overrides: tuple, lang: str):
    """The program's run (from the server's cache when any session ran it), at this session's priority."""
    return cache.run(program, overrides, lang, recent=st.session_state.setdefault("recent_use", RecentUse()))


def overrides_key() -> tuple:
    return tuple(sorted(st.session_state.overrides.items()))


# --- drawing --------------------------------------------------------------------------------------------

PLOTLY_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    # the camera button saves an image big enough for slides
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "autograd-graph"},
}


def plotly_config(image_format: str = "png", filename: str = "autograd-graph") -> dict:
    image = {"format": image_format, "scale": 2, "filename": filename}
    return {**PLOTLY_CONFIG, "toImageButtonOptions": image}


def text_block(text: str) -> None:
    """Plain text in a block (what a program printed, a step's text, a node's details): explorer/ui/output_style.py
    says why it is not st.code."""
    st.html(output_style.text_html(text))


def run_errors_box(program: str, result, lang: str) -> None:
    """The error box next to the editor, when something raised: the error that ended the run, or else the first
    error a pasted notebook's cell raised, headed so that it reads as a cell that raised while the cells after
    it ran (every cell's error is also in the output, where it happened)."""
    if result.error is not None:
        program_error_box(program, result.error, lang)
    elif result.cell_errors:
        first = result.cell_errors[0]
        program_error_box(program, first, lang, heading=t("play.cell_error", lang, line=first.line))
    others = len(result.cell_errors) - (0 if result.error is not None else 1)
    if others > 0:
        st.caption(t("play.cell_errors_more", lang, n=others))


def program_error_box(program: str, error, lang: str, heading: str | None = None) -> None:
    """The error next to the editor: PyTorch's message, a plain hint, and the program with the line marked."""
    # the message is the program's text as much as ours (an assert's message, an exception's argument): shown as
    # escaped HTML, never as markdown, so it cannot carry links, images or formatting
    heading = error.heading(lang) if heading is None else heading
    st.html(f'<div class="program-error" role="alert"><strong>{html.escape(heading)}</strong> — '
            f'{html.escape(error.message)}</div>')
    if error.hint:
        st.caption(error.hint_text(lang))
    excerpt = error_excerpt(program, error)
    if excerpt:
        text_block(excerpt)
