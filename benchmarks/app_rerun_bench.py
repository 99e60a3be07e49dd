"""Server-side rerun time of each app page, against a bare Streamlit script that draws the same figures and
text from precomputed data. Goal: each page at most 1.5x the bare script (the app's own work per rerun,
after its caches are warm, is cache look-ups and a few widgets).

Run: python benchmarks/app_rerun_bench.py [--reruns N]
Both sides run in streamlit.testing.v1.AppTest (the real script runner, no browser); batches of the two
are interleaved and the median of each is compared.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from explorer.lessons import LESSON_BY_KEY  # noqa: E402
from explorer.ui.link import AppState, encode_query  # noqa: E402

APP = str(ROOT / "explorer" / "app.py")
GOAL = 1.5


def bare_script(figures: list, texts: list, markdown: list, headings: dict, widgets: list | None = None) -> None:
    """What any app showing these results must do on a rerun: draw the figures, the text and the same
    controls (a page without figures is mostly its controls)."""
    import streamlit as st

    for i, (kind, label, options) in enumerate(widgets or ()):
        if kind in ("radio", "selectbox"):
            getattr(st, kind)(label, options or ["-"], key=f"w{i}")
        elif kind == "slider":
            st.slider(label, 0, 100, key=f"w{i}")
        elif kind == "text_area":
            st.text_area(label, key=f"w{i}")
        else:
            getattr(st, kind)(label, key=f"w{i}")
    for kind, values in headings.items():
        for value in values:
            getattr(st, kind)(value)
    for text in markdown:
        st.markdown(text)
    for text in texts:
        st.code(text, language=None)
    for i, figure in enumerate(figures):
        st.plotly_chart(figure, key=f"figure_{i}", theme=None)


WIDGET_KINDS = ("button", "checkbox", "radio", "selectbox", "slider", "text_area", "toggle")


def empty_script() -> None:
    """AppTest's own cost per rerun (thread start, polling): the floor under every figure below."""


def page_app(state: AppState) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in encode_query(state).items():
        at.query_params[key] = value
    at.run()
    if at.exception:
        raise RuntimeError(f"{state.page}: {at.exception}")
    return at


def timed(at: AppTest, action) -> float:
    began = time.perf_counter()
    action(at)
    at.run()
    return time.perf_counter() - began


CASES = {
    # page: (state, what a rerun does: a control a user touches, in both directions so caches hold both)
    "playground": (AppState(program=LESSON_BY_KEY["one_layer"].code),
                   lambda at: at.checkbox(key="rg_x").set_value(not at.checkbox(key="rg_x").value)),
    "step_through": (AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through"),
                     lambda at: at.slider(key="step_slider").set_value(
                         1 + at.slider(key="step_slider").value % 6)),
    "descent": (AppState(page="descent"),
                lambda at: at.slider(key="descent_view_step").set_value(
                    (at.slider(key="descent_view_step").value + 37) % 101)),
    "lessons": (AppState(page="lessons"), lambda at: None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings from worker processes
    print(f"{'page':<14}{'app rerun':>12}{'bare script':>14}{'ratio':>8}   goal <= {GOAL}x")
    worst = 0.0
    for page, (state, action) in CASES.items():
        at = page_app(state)
        for _ in range(6):  # warm every cache entry the rerun cycle touches
            timed(at, action)
        figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        texts = [c.value for c in at.code]
        markdown = [m.value for m in at.markdown]
        headings = {kind: [e.value for e in getattr(at, kind)] for kind in ("title", "subheader", "caption")}
        widgets = [(kind, w.label, list(getattr(w, "options", []) or [])) for kind in WIDGET_KINDS
                   for w in getattr(at, kind)]
        bare = AppTest.from_function(bare_script, args=(figures, texts, markdown, headings, widgets),
                                     default_timeout=300)
        bare.run()
        app_times, bare_times = [], []
        for _ in range(args.reruns):
            app_times.append(timed(at, action))
            bare_times.append(timed(bare, lambda _at: None))
        app_ms = 1000 * statistics.median(app_times)
        bare_ms = 1000 * statistics.median(bare_times)
        ratio = app_ms / bare_ms
        worst = max(worst, ratio)
        print(f"{page:<14}{app_ms:>10.1f}ms{bare_ms:>12.1f}ms{ratio:>7.2f}x   "
              f"({len(figures)} figures, {len(texts)} code blocks, {len(widgets)} controls)")
    empty = AppTest.from_function(empty_script, default_timeout=60)
    empty.run()
    floor = 1000 * statistics.median(timed(empty, lambda _at: None) for _ in range(args.reruns))
    print(f"AppTest's own floor per rerun (empty script): {floor:.1f}ms")
    print(f"worst ratio {worst:.2f}x: {'within' if worst <= GOAL else 'over'} the {GOAL}x goal")


if __name__ == "__main__":
    main()
