"""A recorded backward pass drawn: its backward graph as it stands after one step (the current node ringed,
the gradients that have flowed so far), the whole pass as a Plotly animation (play + slider) that runs in the
browser without reruns, and its Jacobian view (J, v, vᵀJ and .grad). No streamlit import.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import replace

import networkx as nx
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.backward.frames import Frame, frames_from_pass
from explorer.backward.jacobian import JacobianView
from explorer.graph.figures import LEGEND_ROW, THEMES, _legend_rows, graph_figure, highlight_traces
from explorer.graph.gradients import backward_gradients
from explorer.graph.layout import Layout
from explorer.graph.run_layout import graph_layout
from explorer.sandbox.result import RunResult
from explorer.text import t


def pass_until(backward_pass, step: int):
    """The pass as it stands after `step` (0-based): its events up to and including that one."""
    return replace(backward_pass, events=list(backward_pass.events[: step + 1]))


def pass_layout(result: RunResult, pass_index: int) -> Layout | None:
    """The layout the worker made for the pass's graph (explorer/graph/run_layout.py)."""
    layouts = result.pass_layouts
    return layouts[pass_index] if pass_index < len(layouts) else None


def expanded_pass_layout(result: RunResult, pass_index: int) -> Layout | None:
    """The pass's graph laid out with nothing folded (the worker's layout when it folded nothing)."""
    layout = pass_layout(result, pass_index)
    graph = result.passes[pass_index].graph
    if layout is None or graph is None or not layout.extras.get("folded"):
        return layout
    return graph_layout(graph, fold=False)


def step_figure_dict(result: RunResult, pass_index: int, step: int, *, lang: str = "en",
                     theme: str = "light", layout: Layout | None = None) -> dict:
    """The pass's backward graph with the current node ringed and the gradients that have flowed so far.
    layout: another layout of the pass than the worker's (`expanded_pass_layout`)."""
    p = result.passes[pass_index]
    layout = layout or pass_layout(result, pass_index)
    node = p.events[step].node if p.events else None
    nodes, edges = backward_gradients(pass_until(p, step)) if p.events else ({}, {})
    title = t("frame.pass_title", lang, k=p.index + 1, kind=p.kind)
    fig = graph_figure(p.graph, layout, lang=lang, theme=theme, highlight=node, node_gradients=nodes,
                       edge_gradients=edges, tensor_names=result.names, title=title)
    return fig.to_dict()


def step_svg_text(result: RunResult, pass_index: int, step: int, *, lang: str = "en", theme: str = "light",
                  layout: Layout | None = None) -> str:
    """The pass's backward graph at a step as SVG text (explorer/graph/svg.py): the step's node ringed, the
    gradients that have flowed so far."""
    from explorer.graph.svg import graph_svg

    p = result.passes[pass_index]
    layout = layout or pass_layout(result, pass_index)
    node = p.events[step].node if p.events else None
    nodes, edges = backward_gradients(pass_until(p, step)) if p.events else ({}, {})
    title = t("frame.pass_title", lang, k=p.index + 1, kind=p.kind)
    return graph_svg(p.graph, layout, lang=lang, theme=theme, highlight=node, node_gradients=nodes,
                     edge_gradients=edges, tensor_names=result.names, title=title, ident="step")


# what a node holds that Predict mode asks for: the backward formulas (the local derivatives) and a tensor's .grad
ANSWERS = ("backward_formulas", "grad")


def _without_answers(graph: nx.DiGraph) -> nx.DiGraph:
    shown = graph.copy()
    for _, data in shown.nodes(data=True):
        for key in ANSWERS:
            data.pop(key, None)
    return shown


def predict_svg_text(result: RunResult, pass_index: int, *, lang: str = "en", theme: str = "light",
                     layout: Layout | None = None) -> str:
    """The pass's backward graph for Predict mode: its functions, where each sends its gradients, and their
    saved values and forward formulas, without what the questions ask (no gradient on a node or an edge, no
    backward formula, no .grad): the learner sees where each gradient goes, not what it is."""
    from explorer.graph.svg import graph_svg

    p = result.passes[pass_index]
    layout = layout or pass_layout(result, pass_index) or graph_layout(p.graph)
    layout = replace(layout, graph=_without_answers(layout.graph))  # what is drawn (p.graph names the view)
    title = t("classroom.graph_title", lang, k=p.index + 1, kind=p.kind)
    return graph_svg(p.graph, layout, lang=lang, theme=theme, tensor_names=result.names, title=title,
                     ident="predict")


WRAP = 48  # characters per line of the frame's text box (it sits in a FRAME_BOX px right margin)
FRAME_BOX = 460
FRAME_LINE = 14 * 1.3  # px per line of the frame's text (14 px monospace)
CONTROLS = 110  # px under the legend for the play buttons and the slider
CONTROLS_WIDTH = 135  # px of the Play and Pause buttons, left of the slider


def _wrapped(frame: Frame) -> list[str]:
    out = []
    for line in frame.text.split("\n"):
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out.extend(textwrap.wrap(line, WRAP, subsequent_indent=indent, break_on_hyphens=False,
                                 drop_whitespace=False) or [""])
    return out


def _frame_annotation(frame: Frame, theme: str) -> dict:
    # leading spaces survive only as &nbsp; in Plotly's HTML text
    body = "<br>".join(html.escape(line).replace(" ", "&nbsp;") for line in _wrapped(frame))
    return {
        "text": body, "showarrow": False, "xref": "paper", "yref": "paper", "x": 1.0, "y": 1.0,
        "xanchor": "left", "yanchor": "top", "align": "left",
        "font": {"family": "monospace", "size": 14, "color": THEMES[theme]["text"]},
        "bordercolor": "#D55E00", "borderwidth": 2, "borderpad": 6,
        "bgcolor": "rgba(255,255,255,0.92)" if theme == "light" else "rgba(20,20,20,0.92)",
    }


def _flowed_trace(layout: Layout, events, lang: str) -> go.Scatter:
    """Edges that have carried a gradient by the end of these events."""
    carried = []
    for ev in events:
        for target, g in zip(ev.targets or (), ev.grads_out or ()):
            if target is not None and g is not None and (ev.node, target) in layout.edge_paths:
                carried.append(layout.edge_paths[(ev.node, target)])
    xs: list = []
    ys: list = []
    for path in carried:
        xs.extend([p[0] for p in path] + [None])
        ys.extend([p[1] for p in path] + [None])
    return go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", name=t("frame.flowed", lang),
                      line={"color": "#009E73", "width": 4}, showlegend=True)


def animation_figure(
    backward_pass,
    *,
    lang: str = "en",
    theme: str = "light",
    layout: Layout | None = None,
    names: dict | None = None,
    frame_ms: int = 1200,
) -> go.Figure:
    """The pass's backward graph with one animation frame per event; play/pause buttons and a slider.

    layout: the result's layout of this pass (`pass_layout`); a pass drawn on its own is laid out here."""
    graph = backward_pass.graph if backward_pass.graph is not None else nx.DiGraph()
    if layout is None:
        layout = graph_layout(graph)
    frames = frames_from_pass(backward_pass, lang, names)
    first = frames[0].node if frames else None
    # the frame's text box sits in the right margin, as tall as the longest frame: the figure grows to hold it
    tallest = max((len(_wrapped(f)) for f in frames), default=0) * FRAME_LINE + 2 * 10
    drawn = graph_figure(graph, layout, lang=lang, theme=theme, highlight=first, tensor_names=names,
                         title=t("frame.pass_title", lang, k=backward_pass.index + 1, kind=backward_pass.kind),
                         extra_margin={"r": FRAME_BOX + 20, "b": CONTROLS})
    # the legend wraps inside the plot area, which the frame's box narrows, and gains the "gradient flowed"
    # entry: the bottom margin grows by the rows the figure's own sizing did not count
    legend = [tr.name for tr in drawn.data if tr.showlegend is not False and tr.name]
    area = drawn.layout.width - drawn.layout.margin.l - drawn.layout.margin.r
    more = _legend_rows([*legend, t("frame.flowed", lang)], area)[0] - _legend_rows(legend, drawn.layout.width)[0]
    if more > 0:
        drawn.update_layout(height=drawn.layout.height + more * LEGEND_ROW,
                            margin={"b": drawn.layout.margin.b + more * LEGEND_ROW})
    plot_height = drawn.layout.height - drawn.layout.margin.t - drawn.layout.margin.b
    if plot_height + drawn.layout.margin.b < tallest:
        grow = int(tallest - plot_height - drawn.layout.margin.b) + 1
        drawn.update_layout(height=drawn.layout.height + grow, margin={"b": drawn.layout.margin.b + grow})
        plot_height = drawn.layout.height - drawn.layout.margin.t - drawn.layout.margin.b
    # the buttons and the slider go under the legend
    controls_y = -(drawn.layout.margin.b - CONTROLS) / plot_height
    # one more trace, under the highlight: the edges gradients have already flowed along
    data = list(drawn.data)
    flowed_at = drawn.layout.meta["highlight_edges_trace"]
    data.insert(flowed_at, _flowed_trace(layout, backward_pass.events[:1], lang))
    fig = go.Figure(data=data, layout=drawn.layout)
    meta = {**drawn.layout.meta, "flowed_trace": flowed_at, "highlight_edges_trace": flowed_at + 1,
            "highlight_trace": flowed_at + 2}
    fig.update_layout(meta=meta)
    traces = [flowed_at, flowed_at + 1, flowed_at + 2]
    base_annotations = [a.to_plotly_json() for a in fig.layout.annotations]
    plotly_frames = []
    for frame in frames:
        edges, ring = highlight_traces(layout, frame.node, theme)
        flowed = _flowed_trace(layout, backward_pass.events[: frame.index + 1], lang)
        plotly_frames.append(go.Frame(
            name=str(frame.index), data=[flowed, edges, ring], traces=traces,
            layout={"annotations": [*base_annotations, _frame_annotation(frame, theme)]},
        ))
    fig.frames = plotly_frames
    if frames:
        fig.update_layout(annotations=[*base_annotations, _frame_annotation(frames[0], theme)])
    # the slider (and the step it shows at its left end) starts right of the two buttons, whatever the width
    slider_x = min(0.5, CONTROLS_WIDTH / (fig.layout.width - fig.layout.margin.l - fig.layout.margin.r))
    play_args = {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": True,
                 "transition": {"duration": 0}}
    jump_args = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    fig.update_layout(
        updatemenus=[{
            "type": "buttons", "direction": "left", "x": 0, "y": controls_y, "xanchor": "left", "yanchor": "top",
            "pad": {"t": 10},
            "buttons": [
                {"label": t("frame.play", lang), "method": "animate", "args": [None, play_args]},
                {"label": t("frame.pause", lang), "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]},
            ],
        }],
        sliders=[{
            "active": 0, "x": slider_x, "y": controls_y, "len": 1 - slider_x, "yanchor": "top", "pad": {"t": 0},
            "currentvalue": {"prefix": t("frame.slider", lang), "font": {"size": 14}},
            "steps": [{"label": str(f.index + 1), "method": "animate", "args": [[str(f.index)], jump_args]}
                      for f in frames],
        }],
    )
    return fig


# --- the Jacobian view ------------------------------------------------------------------------------------


def _as_matrix(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:
        return a
    return a.reshape(1, -1) if a.ndim <= 1 else a.reshape(a.shape[0], -1)


def _heatmap(a: np.ndarray, show_text: bool) -> go.Heatmap:
    m = _as_matrix(np.asarray(a, dtype=np.float64))
    return go.Heatmap(
        z=m, colorscale="Cividis", showscale=False, xgap=1, ygap=1,
        text=np.vectorize(lambda x: f"{x:.3g}")(m) if show_text else None,
        texttemplate="%{text}" if show_text else None, textfont={"size": 12},
        hovertemplate="[%{y}, %{x}] = %{z:.4g}<extra></extra>",
    )


def jacobian_figure(view: JacobianView, lang: str = "en", theme: str = "light") -> go.Figure:
    """Four heatmaps side by side: J, v, v^T J and .grad (cividis: readable with colour-vision deficiency)."""
    titles = [t("jacobian.jacobian", lang, m=view.jacobian.shape[0], n=view.jacobian.shape[1]), t("jacobian.v", lang),
              t("jacobian.vjp", lang), t("jacobian.grad", lang)]
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, column_widths=[0.46, 0.18, 0.18, 0.18],
                        horizontal_spacing=0.05)
    fig.add_trace(_heatmap(view.jacobian, view.jacobian.size <= 400), row=1, col=1)
    fig.add_trace(_heatmap(view.v, view.v.size <= 64), row=1, col=2)
    fig.add_trace(_heatmap(view.vjp, view.vjp.size <= 64), row=1, col=3)
    fig.add_trace(_heatmap(view.grad if view.grad is not None else np.zeros(view.in_shape),
                           view.vjp.size <= 64 and view.grad is not None), row=1, col=4)
    for col in range(1, 5):
        # whole-number ticks: these are indices, not coordinates
        fig.update_yaxes(autorange="reversed", dtick=1 if col > 1 else None, row=1, col=col)
        fig.update_xaxes(dtick=1 if col > 1 else None, row=1, col=col)
    fig.update_layout(template=THEMES[theme]["template"], height=460, title=view.verdict(lang),
                      font={"size": 14}, margin={"l": 30, "r": 10, "t": 70, "b": 40})
    return fig
