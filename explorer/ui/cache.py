"""The server's cache: runs of a program and the figures drawn from them, kept per (program, overrides,
language, view, ...) in caches bounded by the bytes they hold (explorer/ui/byte_cache.py), shared by every
session, so a class that opens the same lesson shares the work and one big program cannot fill the server.
Pure functions do the work underneath; graphs are SVG text (explorer/ui/graph_chart.py draws them), the other
figures plain dicts, which `st.plotly_chart` draws as they are.
Cached values are shared: treat them as read-only.
"""

from __future__ import annotations

import functools

from explorer import sandbox
from explorer.backward import figures as figures_of_passes
from explorer.backward import jacobian as jp
from explorer.backward.figures import (
    animation_figure,
    jacobian_figure,
    pass_layout,
    predict_svg_text,
    step_svg_text,
)
from explorer.backward.frames import frames_from_pass, grad_fn_owners
from explorer.descent import DescentError
from explorer.descent.demo import build_demo
from explorer.descent.figures import contour_figure, surface_figure
from explorer.graph import views
from explorer.graph.figures import THEMES
from explorer.sandbox.limits import Limits
from explorer.sandbox.recent_use import RecentUse
from explorer.text import t
from explorer.ui.byte_cache import ByteCache, pickled_size

# runs (compact results from the worker) and what the pages draw from them: a class's lessons fit many times
RUNS = ByteCache(64 * 2**20, size_of=lambda result: result.stats.get("result_bytes") or pickled_size(result))
FIGURES = ByteCache(48 * 2**20)


def cached(store: ByteCache):
    """Cache a function's results in `store`, keyed by its name and positional arguments (all hashable). Keyword
    arguments say how to do the work, not what it makes: they are not part of the key."""

    def wrap(fn):
        @functools.wraps(fn)
        def call(*args, **how):
            return store.get((fn.__name__, *args), lambda: fn(*args, **how))

        return call

    return wrap


@cached(RUNS)
def run(program: str, overrides: tuple, lang: str, *, recent: RecentUse | None = None):
    """The program's run in the sandbox's worker process (never raises: failures are in `result.error`). `recent`:
    the session's recent processor use, which sets the run's priority and is charged what the run used (only
    when it ran: a run from the cache costs nothing)."""
    limits = None if recent is None else Limits(niceness=recent.niceness())
    result = sandbox.run_program(program, requires_grad_overrides=dict(overrides), lang=lang, limits=limits)
    if recent is not None:
        recent.charge(result.stats.get("cpu_seconds", 0.0))
    return result


@cached(FIGURES)
def graph_svg(program: str, overrides: tuple, lang: str, view: str, theme_name: str, overlay: bool,
              highlight: str | None, linked: tuple = (), found: tuple = (), fold: bool = True):
    """The graph as SVG text (explorer/graph/svg.py): what the pages draw; fold=False draws every node."""
    layout = None if fold else expanded_layout(program, overrides, lang, view)
    return views.graph_svg_text(run(program, overrides, lang), view, lang=lang, theme=theme_name, overlay=overlay,
                                highlight=highlight, linked=linked, found=found, layout=layout)


@cached(FIGURES)
def expanded_layout(program: str, overrides: tuple, lang: str, view: str):
    """The view with nothing folded, laid out once per program (explorer/graph/views.expanded_layout)."""
    return views.expanded_layout(run(program, overrides, lang), view)


@cached(FIGURES)
def expanded_pass_layout(program: str, overrides: tuple, lang: str, pass_index: int):
    return figures_of_passes.expanded_pass_layout(run(program, overrides, lang), pass_index)


@cached(FIGURES)
def step_svg(program: str, overrides: tuple, lang: str, pass_index: int, step: int, theme_name: str,
             fold: bool = True):
    """The pass's graph at a step as SVG text, its node ringed."""
    layout = None if fold else expanded_pass_layout(program, overrides, lang, pass_index)
    return step_svg_text(run(program, overrides, lang), pass_index, step, lang=lang, theme=theme_name,
                         layout=layout)


@cached(FIGURES)
def predict_svg(program: str, overrides: tuple, lang: str, pass_index: int, theme_name: str, fold: bool = True):
    """The pass's graph for Predict mode, without gradients or backward formulas (explorer/backward/figures.py)."""
    layout = None if fold else expanded_pass_layout(program, overrides, lang, pass_index)
    return predict_svg_text(run(program, overrides, lang), pass_index, lang=lang, theme=theme_name, layout=layout)


@cached(FIGURES)
def frames(program: str, overrides: tuple, lang: str, pass_index: int):
    result = run(program, overrides, lang)
    return frames_from_pass(result.passes[pass_index], lang, result.names, grad_fn_owners(result))


@cached(FIGURES)
def animation(program: str, overrides: tuple, lang: str, pass_index: int, theme_name: str):
    result = run(program, overrides, lang)
    return animation_figure(result.passes[pass_index], lang=lang, theme=theme_name, names=result.names,
                            layout=pass_layout(result, pass_index)).to_dict()


@cached(FIGURES)
def jacobian(program: str, overrides: tuple, lang: str, pass_index: int, output: str, leaf: str,
             theme_name: str):
    """(figure dict, verdict) or (None, message) for the Jacobian the run recorded for a pass."""
    try:
        view = jp.jacobian_of(run(program, overrides, lang), pass_index, output, leaf)
    except ValueError as exc:
        return None, t("step.jacobian_failed", lang, message=str(exc))
    return jacobian_figure(view, lang, theme_name).to_dict(), view.verdict(lang)


@cached(FIGURES)
def descent_demo(loss: str, detached: str, start: tuple, lr: float, steps: int, optimizer: str):
    """(demo, None) or (None, DescentError) for the settings; errors are data so the page can show them."""
    try:
        return build_demo(loss, detached or None, start=start, lr=lr, steps=steps, optimizer=optimizer), None
    except DescentError as error:
        return None, error


@cached(FIGURES)
def descent_figures(settings: tuple, lang: str, theme: str):
    built, _ = descent_demo(*settings)
    contour, surface = contour_figure(built, lang).to_dict(), surface_figure(built, lang).to_dict()
    # taller than Plotly's default so the legend, the Play buttons and the slider under the plot keep
    # the plot itself big enough for the back of a classroom
    contour["layout"]["height"] = 760
    surface["layout"]["height"] = 680
    for figure in (contour, surface):
        # the figures are drawn on Plotly's light template; the dark one follows the app's dark theme
        figure["layout"]["template"] = THEMES[theme]["template"]
    return contour, surface
