"""Show one frame of an animated Plotly figure (a dict) as its still picture, for server-side sliders.

The descent figures carry one frame per step (named by the step) and a browser-side slider; a page slider
that picks a step puts that frame's traces (and layout changes, such as shapes) in place and moves the
figure's own slider to match. Pure.
"""

from __future__ import annotations


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
