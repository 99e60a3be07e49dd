"""Plotly figures of the descent demo: the loss surface in 3-D, the contour map with paths and arrow fields,
a step slider with animation frames, the step table with translated headers, and one frame of an animated
figure as its still picture (`at_frame`, for the page's own step slider).

Input is a `DescentDemo` (explorer/descent/demo.py); nothing here touches the engine. Trace order is fixed and
recorded in `fig.layout.meta["traces"]` (name -> index), so a page or test can find a trace without
guessing. On the contour map the progress along each path is drawn with layout shapes (listed in
`meta["shapes"]`) and the frames move only those; on the 3-D surface the frames restyle the path traces
(listed in `meta["animated"]`), which come last.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from explorer.descent.demo import DescentDemo, DescentPath, FixedPoint, GridPass, Variant, field_at
from explorer.text import t

# Okabe-Ito colours (readable with the common colour-vision deficiencies); line dash repeats the variant.
VARIANT_STYLE = {
    "true": {"color": "#0072B2", "dash": "solid", "symbol": "star"},
    "detached": {"color": "#D55E00", "dash": "dash", "symbol": "x"},
}
START_COLOR = "#009E73"
MAX_FRAMES = 120  # longer paths are sampled: the slider stays usable and the figure small
ARROWS_PER_SIDE = 15


def number_text(value: float) -> str:
    """A coordinate for a label: 4 significant decimals, no '-0'."""
    rounded = round(float(value), 4) + 0.0
    return f"{rounded:g}"


def frame_steps(demo: DescentDemo, max_frames: int = MAX_FRAMES) -> list[int]:
    """The step indices that get a frame: all of them when few, else evenly spaced, always first and last."""
    last = max(len(v.path.steps) for v in demo.variants) - 1
    if last + 1 <= max_frames:
        return list(range(last + 1))
    picked = np.unique(np.round(np.linspace(0, last, max_frames)).astype(int))
    return [int(k) for k in picked]


def _variant_name(variant: Variant, lang: str) -> str:
    return t(f"descent.variant.{variant.key}", lang)


def _chosen(demo: DescentDemo, variants) -> list[Variant]:
    if variants is None:
        return demo.variants
    keys = (variants,) if isinstance(variants, str) else tuple(variants)
    return [v for v in demo.variants if v.key in keys]


def _upto(path: DescentPath, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The path's points 0..k (fewer when it stopped early), non-finite points dropped."""
    rows = path.steps[: k + 1]
    a = np.array([r.a for r in rows], dtype=float)
    b = np.array([r.b for r in rows], dtype=float)
    loss = np.array([r.loss for r in rows], dtype=float)
    keep = np.isfinite(a) & np.isfinite(b) & np.isfinite(loss)
    return a[keep], b[keep], loss[keep]


def _lists(*arrays: np.ndarray) -> tuple[list, ...]:
    # frames carry plain lists: plotly.js does not decode Plotly's binary arrays inside animation frames
    return tuple(array.tolist() for array in arrays)


def _hover(path: DescentPath, count: int) -> list[str]:
    return [
        f"k={s.index}<br>a={s.a:.6f}<br>b={s.b:.6f}<br>l={s.loss:.6g}<br>dl/da={s.grad_a:.4g}<br>"
        f"dl/db={s.grad_b:.4g}"
        for s in path.steps[:count]
        if all(math.isfinite(v) for v in (s.a, s.b, s.loss))
    ]


def fixed_point_markers(demo: DescentDemo, lang: str = "en") -> list[dict]:
    """Marker specs for every fixed point: a, b, loss there, label, variant key, kind.

    The true field's minima are labelled "true minimum", the detached field's attracting points "detached
    fixed point"; other fixed points carry their kind (saddle, maximum, ...).
    """
    markers = []
    for variant in demo.variants:
        if variant.key == "detached" and not variant.loss.uses_detach:
            continue  # a "detached" text without detach() has the true field's fixed points
        points: list[FixedPoint] = variant.fixed_points
        if not points:
            continue
        values = field_at(demo.true.loss, [p.a for p in points], [p.b for p in points])
        for point, loss in zip(points, values.loss):
            coords = dict(a=number_text(point.a), b=number_text(point.b))
            if variant.key == "true" and point.kind == "minimum":
                label = t("descent.fig.true_minimum", lang, **coords)
            elif variant.key == "detached" and point.kind == "attracting":
                label = t("descent.fig.detached_fixed_point", lang, **coords)
            else:
                kind = t(f"descent.kind.{point.kind}", lang)
                point_text = t("descent.fig.fixed_point", lang, kind=kind, **coords)
                label = f"{_variant_name(variant, lang)}: {point_text}"
            markers.append(dict(a=point.a, b=point.b, loss=float(loss), label=label, variant=variant.key,
                                kind=point.kind))
    return markers


def _markers_of(demo: DescentDemo, chosen: list[Variant], lang: str) -> list[dict]:
    keys = {v.key for v in chosen}
    return [m for m in fixed_point_markers(demo, lang) if m["variant"] in keys]


# --- arrow fields ----------------------------------------------------------------------------------------


def arrow_segments(field: GridPass, scale: float, per_side: int = ARROWS_PER_SIDE) -> tuple[list, list]:
    """x, y lists (None-separated) drawing -field as arrows on a per_side x per_side subgrid.

    Arrows point where descent moves (minus the field); `scale` turns field units into plot units, shared
    by both variants so their lengths compare.
    """
    rows = np.unique(np.linspace(0, field.b_axis.size - 1, per_side).round().astype(int))
    cols = np.unique(np.linspace(0, field.a_axis.size - 1, per_side).round().astype(int))
    xs: list = []
    ys: list = []
    for i in rows:
        for j in cols:
            ga, gb = field.grad_a[i, j], field.grad_b[i, j]
            if not (math.isfinite(ga) and math.isfinite(gb)) or (ga == 0 and gb == 0):
                continue
            x0, y0 = float(field.a_axis[j]), float(field.b_axis[i])
            dx, dy = -ga * scale, -gb * scale
            x1, y1 = x0 + dx, y0 + dy
            length = math.hypot(dx, dy)
            head = 0.3 * length
            angle = math.atan2(dy, dx)
            left = (x1 - head * math.cos(angle - 0.45), y1 - head * math.sin(angle - 0.45))
            right = (x1 - head * math.cos(angle + 0.45), y1 - head * math.sin(angle + 0.45))
            xs += [x0, x1, None, left[0], x1, right[0], None]
            ys += [y0, y1, None, left[1], y1, right[1], None]
    return xs, ys


def arrow_scale(fields: list[GridPass], per_side: int = ARROWS_PER_SIDE) -> float:
    """Plot units per field unit: the 90th-percentile arrow spans 90% of the spacing between arrows."""
    grid = fields[0].grid
    spacing = min(grid.a_max - grid.a_min, grid.b_max - grid.b_min) / max(per_side - 1, 1)
    norms = np.concatenate([np.hypot(f.grad_a, f.grad_b).ravel() for f in fields])
    norms = norms[np.isfinite(norms) & (norms > 0)]
    if norms.size == 0:
        return 0.0
    return 0.9 * spacing / float(np.percentile(norms, 90))


# --- figures ---------------------------------------------------------------------------------------------


def contour_figure(demo: DescentDemo, lang: str = "en", variants=None, *, step: int | None = None,
                   animate: bool = True, arrows: bool = True, per_side: int = ARROWS_PER_SIDE,
                   max_frames: int = MAX_FRAMES) -> go.Figure:
    """Contours of the loss, each variant's arrow field and path, fixed points, a step slider and Play.

    `variants`: None for all (overlaid), or "true" / "detached" (a page shows two figures side by side).
    `step`: the step drawn first (default the last); `animate=False` leaves out frames, slider and buttons
    (for a page that drives the step with its own slider).
    """
    chosen = _chosen(demo, variants)
    surface = demo.surface
    fig = go.Figure()
    names: dict[str, int] = {}

    def add(name: str, trace) -> None:
        names[name] = len(fig.data)
        fig.add_trace(trace)

    add("contour", go.Contour(
        x=surface.a_axis, y=surface.b_axis, z=_clipped(surface.loss), colorscale="Viridis", ncontours=30,
        contours=dict(coloring="heatmap", showlines=True), opacity=0.85, name=t("descent.fig.loss", lang),
        colorbar=dict(title=dict(text=t("descent.fig.loss", lang))),
        hovertemplate="a=%{x:.3f}<br>b=%{y:.3f}<br>l=%{z:.4g}<extra></extra>",
    ))
    if arrows:
        scale = arrow_scale([v.field for v in chosen], per_side)
        for variant in chosen:
            style = VARIANT_STYLE[variant.key]
            xs, ys = arrow_segments(variant.field, scale, per_side)
            add(f"field:{variant.key}", go.Scatter(
                x=xs, y=ys, mode="lines", line=dict(color=style["color"], width=1.2),
                name=t("descent.fig.field", lang, variant=_variant_name(variant, lang)), hoverinfo="skip",
                opacity=0.8,
            ))
    add("start", go.Scatter(
        x=[demo.start[0]], y=[demo.start[1]], mode="markers", name=t("descent.fig.start", lang),
        marker=dict(color=START_COLOR, size=11, symbol="circle", line=dict(color="white", width=1)),
    ))
    labels = []
    for i, marker in enumerate(_markers_of(demo, chosen, lang)):
        style = VARIANT_STYLE[marker["variant"]]
        add(f"fixed:{marker['variant']}:{i}", go.Scatter(
            x=[marker["a"]], y=[marker["b"]], mode="markers", name=marker["label"],
            marker=dict(color=style["color"], size=15, symbol=style["symbol"],
                        line=dict(color="white", width=1)),
        ))
        # a label on a light box stays readable over the dark middle of the colour map
        labels.append(dict(x=marker["a"], y=marker["b"], text=marker["label"], showarrow=False, yshift=18,
                           font=dict(color=style["color"]), bgcolor="rgba(255,255,255,0.8)"))
    steps = frame_steps(demo, max_frames)
    last = steps[-1] if step is None else max(0, min(int(step), steps[-1]))
    for variant in chosen:
        style = VARIANT_STYLE[variant.key]
        a, b, _ = _upto(variant.path, len(variant.path.steps))
        # the whole route, faint, with the step table in its hover; the drawn progress is in the shapes
        add(f"path:{variant.key}", go.Scatter(
            x=a, y=b, mode="lines+markers", opacity=0.35,
            name=t("descent.fig.path", lang, variant=_variant_name(variant, lang)),
            line=dict(color=style["color"], width=2, dash=style["dash"]), marker=dict(size=4),
            text=_hover(variant.path, len(variant.path.steps)), hovertemplate="%{text}<extra></extra>",
        ))
    if animate:
        # Frames change layout shapes only: plotly.js removes contour/heatmap traces while it animates
        # trace data (plotly.js issue 4491), but leaves them alone when only shapes move.
        fig.frames = [go.Frame(name=str(k), layout=dict(shapes=progress_shapes(chosen, k))) for k in steps]
        _controls(fig, steps, last, lang, redraw=False)
    fig.update_layout(
        title=t("descent.fig.contour_title", lang), xaxis_title="a", yaxis_title="b",
        xaxis=dict(range=[surface.grid.a_min, surface.grid.a_max], constrain="domain"),
        yaxis=dict(range=[surface.grid.b_min, surface.grid.b_max], scaleanchor="x", scaleratio=1),
        legend=dict(orientation="h", y=-0.25), margin=dict(l=40, r=20, t=60, b=40),
        shapes=progress_shapes(chosen, last), annotations=labels,
        meta=dict(traces=names, frame_steps=steps, shapes=[f"{kind}:{v.key}" for v in chosen
                                                           for kind in ("path", "current")]),
    )
    return fig


def progress_shapes(chosen: list[Variant], k: int) -> list[dict]:
    """Each variant's path up to step k (an SVG path in data coordinates) and a ring at its current point."""
    shapes = []
    for variant in chosen:
        style = VARIANT_STYLE[variant.key]
        a, b, _ = _upto(variant.path, k)
        points = " L ".join(f"{x:.9g} {y:.9g}" for x, y in zip(a, b))
        shapes.append(dict(type="path", path=f"M {points}" if points else "", xref="x", yref="y",
                           layer="above", line=dict(color=style["color"], width=3, dash=style["dash"])))
        where = (float(a[-1]), float(b[-1])) if a.size else (0.0, 0.0)
        shapes.append(dict(type="circle", xref="x", yref="y", xsizemode="pixel", ysizemode="pixel",
                           xanchor=where[0], yanchor=where[1], x0=-8, x1=8, y0=-8, y1=8, layer="above",
                           line=dict(color=style["color"], width=3), visible=bool(a.size)))
    return shapes


def surface_figure(demo: DescentDemo, lang: str = "en", variants=None, *, step: int | None = None,
                   animate: bool = True, max_frames: int = MAX_FRAMES) -> go.Figure:
    """The loss as a 3-D surface with each path on it (z = the loss along the path) and the fixed points.

    Both variants run on the same surface (detach() changes no value); only the arrows they follow differ.
    """
    chosen = _chosen(demo, variants)
    surface = demo.surface
    fig = go.Figure()
    names: dict[str, int] = {}

    def add(name: str, trace) -> None:
        names[name] = len(fig.data)
        fig.add_trace(trace)

    finite = surface.loss[np.isfinite(surface.loss)]
    # paths sit on the surface; lifted a little so the surface does not hide them
    lift = 0.01 * float(np.ptp(finite)) if finite.size else 0.0
    add("surface", go.Surface(
        x=surface.a_axis, y=surface.b_axis, z=_clipped(surface.loss), colorscale="Viridis", opacity=0.85,
        name=t("descent.fig.loss", lang), colorbar=dict(title=dict(text=t("descent.fig.loss", lang))),
        hovertemplate="a=%{x:.3f}<br>b=%{y:.3f}<br>l=%{z:.4g}<extra></extra>",
    ))
    markers = _markers_of(demo, chosen, lang)
    for i, marker in enumerate(markers):
        style = VARIANT_STYLE[marker["variant"]]
        add(f"fixed:{marker['variant']}:{i}", go.Scatter3d(
            x=[marker["a"]], y=[marker["b"]], z=[marker["loss"] + lift], mode="markers",
            name=marker["label"], marker=dict(color=style["color"], size=6,
                                              symbol="diamond" if marker["variant"] == "true" else "x"),
        ))
    steps = frame_steps(demo, max_frames)
    last = steps[-1] if step is None else max(0, min(int(step), steps[-1]))
    animated = []
    for variant in chosen:
        style = VARIANT_STYLE[variant.key]
        name = _variant_name(variant, lang)
        a, b, loss = _upto(variant.path, last)
        loss = loss + lift
        add(f"path:{variant.key}", go.Scatter3d(
            x=a, y=b, z=loss, mode="lines+markers", name=t("descent.fig.path", lang, variant=name),
            line=dict(color=style["color"], width=5), marker=dict(size=2, color=style["color"]),
        ))
        add(f"current:{variant.key}", go.Scatter3d(
            x=a[-1:], y=b[-1:], z=loss[-1:], mode="markers", showlegend=False,
            name=t("descent.fig.current", lang, step=min(last, variant.path.updates), variant=name),
            marker=dict(color=style["color"], size=6, symbol="circle-open"),
        ))
        animated += [names[f"path:{variant.key}"], names[f"current:{variant.key}"]]

    def frame_data(k: int) -> list:
        data = []
        for variant in chosen:
            a, b, loss = _upto(variant.path, k)
            a, b, loss = _lists(a, b, loss + lift)
            data += [go.Scatter3d(x=a, y=b, z=loss), go.Scatter3d(x=a[-1:], y=b[-1:], z=loss[-1:])]
        return data

    if animate:
        fig.frames = [go.Frame(name=str(k), data=frame_data(k), traces=animated) for k in steps]
        _controls(fig, steps, last, lang, redraw=True)
    fig.update_layout(
        title=t("descent.fig.surface_title", lang),
        scene=dict(xaxis_title="a", yaxis_title="b", zaxis_title="l",
                   annotations=surface_labels(markers, lift)),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0), margin=dict(l=0, r=0, t=90, b=40),
        meta=dict(traces=names, frame_steps=steps, animated=animated),
    )
    return fig


def surface_labels(markers: list[dict], lift: float = 0.0) -> list[dict]:
    """The fixed points' names on the 3-D surface: dark text on a light box with a coloured border and an arrow
    to the point (Plotly's 3-D text has no box, and its dark letters vanished on the surface's dark middle), set
    off to the left and right by the points' order along a and stacked higher each pair, so no two overlap."""
    labels = []
    order = sorted(range(len(markers)), key=lambda i: (markers[i]["a"], markers[i]["b"]))
    for rank, i in enumerate(order):
        marker = markers[i]
        side = -1 if rank % 2 == 0 else 1
        labels.append(dict(
            x=marker["a"], y=marker["b"], z=marker["loss"] + lift, text=marker["label"],
            showarrow=True, arrowhead=0, arrowwidth=1.5, arrowcolor=VARIANT_STYLE[marker["variant"]]["color"],
            ax=side * 70, ay=-45 - 40 * (rank // 2), xanchor="right" if side < 0 else "left",
            font=dict(color="#1a1a1a", size=14), bgcolor="rgba(255,255,255,0.92)",
            bordercolor=VARIANT_STYLE[marker["variant"]]["color"], borderwidth=2, borderpad=4,
        ))
    return labels


def _clipped(values: np.ndarray) -> np.ndarray:
    """Non-finite values become gaps (None in JSON) so one overflow does not blank the whole plot."""
    return np.where(np.isfinite(values), values, np.nan)


def _controls(fig: go.Figure, steps: list[int], shown: int, lang: str, redraw: bool) -> None:
    """A slider over the frames (on the step shown) and Play / Pause buttons; 3-D frames need a redraw."""
    slider_steps = [
        dict(method="animate", label=str(k),
             args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=redraw),
                                  transition=dict(duration=0))])
        for k in steps
    ]
    fig.update_layout(
        # the slider starts right of the two buttons (about 130 px) and shows its value at its right end, where
        # no button covers it ("step 100" once read ".00" under Pause)
        sliders=[dict(active=int(np.searchsorted(steps, shown)), steps=slider_steps, pad=dict(t=30), x=0.26,
                      len=0.74, currentvalue=dict(prefix=t("descent.fig.step", lang), xanchor="right",
                                                  font=dict(size=14)))],
        updatemenus=[dict(
            type="buttons", direction="left", x=0, y=-0.05, xanchor="left", yanchor="top", showactive=False,
            buttons=[
                dict(label=t("descent.fig.play", lang), method="animate",
                     args=[None, dict(frame=dict(duration=60, redraw=redraw), fromcurrent=False,
                                      transition=dict(duration=0), mode="immediate")]),
                dict(label=t("descent.fig.pause", lang), method="animate",
                     args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")]),
            ],
        )],
    )


def step_table(path: DescentPath, lang: str = "en") -> dict[str, list]:
    """The step table as columns with translated headers (k, a, b, l, dl/da, dl/db), for st.dataframe."""
    rows = path.table()
    columns = ("step", "a", "b", "l", "dl_da", "dl_db")
    return {t(f"descent.col.{c}", lang): [row[c] for row in rows] for c in columns}


# --- one frame as a still picture -------------------------------------------------------------------------
# The figures carry one frame per step (named by the step) and a browser-side slider; a page slider that picks a
# step puts that frame's traces (and layout changes, such as shapes) in place and moves the figure's slider.


def frame_names(fig: dict) -> list[str]:
    return [str(frame.get("name")) for frame in fig.get("frames") or ()]


def nearest_frame(fig: dict, step: int) -> int | None:
    """Index of the last frame whose step (its name) is at most `step`; None without numeric frames."""
    best = None
    for index, name in enumerate(frame_names(fig)):
        try:
            value = int(name)
        except ValueError:
            continue
        if value <= step and (best is None or value >= int(frame_names(fig)[best])):
            best = index
    if best is None and fig.get("frames"):
        best = 0
    return best


def at_frame(fig: dict, step: int) -> dict:
    """A copy of `fig` showing the frame for `step`: the frame's traces replace the ones it animates."""
    index = nearest_frame(fig, step)
    if index is None:
        return fig
    # copy only what changes: the figure is cached and shared, and big (a grid and a frame per step)
    out = dict(fig)
    out["data"] = list(fig["data"])
    frame = fig["frames"][index]
    traces = frame.get("traces") or list(range(len(frame.get("data") or ())))
    for slot, trace in zip(traces, frame.get("data") or ()):
        if 0 <= slot < len(out["data"]):
            out["data"][slot] = {**out["data"][slot], **trace}
    # frames may also restyle the layout (the contour's paths are layout shapes)
    layout = {**(fig.get("layout") or {}), **(frame.get("layout") or {})}
    if layout.get("sliders"):
        layout["sliders"] = [{**layout["sliders"][0], "active": index}, *layout["sliders"][1:]]
    out["layout"] = layout
    return out
