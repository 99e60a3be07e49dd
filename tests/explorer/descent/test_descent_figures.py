"""The descent demo's figures: traces, frames, slider, markers, arrow fields, the step table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.descent import DEFAULT_LOSS
from explorer.descent.demo import Grid, build_demo
from explorer.descent.figures import (
    MAX_FRAMES,
    arrow_scale,
    arrow_segments,
    at_frame,
    contour_figure,
    fixed_point_markers,
    frame_steps,
    step_table,
    surface_figure,
)


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def trace(fig, name):
    return fig.data[fig.layout.meta["traces"][name]]


def shapes_of(shapes, meta, name):
    return shapes[list(meta["shapes"]).index(name)]


def path_points(shape) -> list[tuple[float, float]]:
    """The (a, b) points of an SVG path 'M x y L x y ...' in data coordinates."""
    parts = shape.path.replace("M", "").split("L")
    return [tuple(float(v) for v in part.split()) for part in parts if part.strip()]


def test_contour_figure_traces_in_their_fixed_order(demo):
    fig = contour_figure(demo)
    names = fig.layout.meta["traces"]
    assert list(names) == [
        "contour", "field:true", "field:detached", "start", "fixed:true:0", "fixed:detached:1",
        "path:true", "path:detached",
    ]
    assert list(names.values()) == list(range(len(fig.data)))
    contour = trace(fig, "contour")
    np.testing.assert_array_equal(contour.z, demo.surface.loss)
    np.testing.assert_array_equal(contour.x, demo.surface.a_axis)
    assert (trace(fig, "start").x[0], trace(fig, "start").y[0]) == (0.5, -0.5)


def test_paths_on_the_contour_end_at_the_seed_end_points(demo):
    fig = contour_figure(demo)
    true, detached = trace(fig, "path:true"), trace(fig, "path:detached")
    assert len(true.x) == len(detached.x) == 101
    assert f"{true.x[-1]:.06f} {true.y[-1]:.06f}" == "0.333333 -0.333333"
    assert f"{detached.x[-1]:.06f} {detached.y[-1]:.06f}" == "1.000000 -0.000000"
    assert true.line.color != detached.line.color and true.line.dash != detached.line.dash
    assert "k=100" in true.text[-1] and "a=0.333333" in true.text[-1]
    meta = fig.layout.meta
    assert list(meta["shapes"]) == ["path:true", "current:true", "path:detached", "current:detached"]
    drawn = path_points(shapes_of(fig.layout.shapes, meta, "path:detached"))
    assert len(drawn) == 101
    np.testing.assert_allclose(drawn[-1], (1.0, 0.0), atol=1e-6)
    ring = shapes_of(fig.layout.shapes, meta, "current:true")
    assert (ring.xanchor, ring.yanchor) == (demo.true.path.steps[-1].a, demo.true.path.steps[-1].b)


def test_markers_for_the_true_minimum_and_the_detached_fixed_point(demo):
    markers = fixed_point_markers(demo)
    assert [(m["variant"], m["kind"]) for m in markers] == [("true", "minimum"), ("detached", "attracting")]
    assert (markers[0]["a"], markers[0]["b"]) == pytest.approx((1 / 3, -1 / 3), abs=1e-12)
    assert (markers[1]["a"], markers[1]["b"]) == pytest.approx((1.0, 0.0), abs=1e-12)
    assert markers[0]["loss"] == pytest.approx(4 / 3)  # the minimum value of the seed's loss
    assert markers[1]["loss"] == pytest.approx(2.0)  # the surface at (1, 0): not its minimum
    assert markers[0]["label"] == "true minimum (0.3333, -0.3333)"
    assert markers[1]["label"] == "detached fixed point (1, 0)"
    chinese = fixed_point_markers(demo, "zh")
    assert chinese[0]["label"] == "真正的最小值 (0.3333, -0.3333)"
    assert chinese[1]["label"] == "detach 后的不动点 (1, 0)"
    fig = contour_figure(demo, "zh")
    assert trace(fig, "fixed:true:0").name == chinese[0]["label"]
    assert (trace(fig, "fixed:detached:1").x[0], trace(fig, "fixed:detached:1").y[0]) == pytest.approx((1, 0))
    assert [(a.text, a.x, a.y) for a in fig.layout.annotations] == [
        (m["label"], m["a"], m["b"]) for m in chinese
    ]


def test_frames_grow_the_paths_one_step_at_a_time(demo):
    fig = contour_figure(demo)
    assert len(fig.frames) == 101
    assert [f.name for f in fig.frames] == [str(k) for k in range(101)]
    meta = fig.layout.meta
    for k in (0, 1, 37, 100):
        frame = fig.frames[k]
        assert not frame.data  # only shapes move: the contour stays drawn while playing
        drawn = path_points(shapes_of(frame.layout.shapes, meta, "path:true"))
        steps = demo.true.path.steps[: k + 1]
        np.testing.assert_allclose(drawn, [(s.a, s.b) for s in steps], rtol=1e-8)
        ring = shapes_of(frame.layout.shapes, meta, "current:true")
        assert (ring.xanchor, ring.yanchor) == (steps[-1].a, steps[-1].b)
        assert len(path_points(shapes_of(frame.layout.shapes, meta, "path:detached"))) == k + 1


def test_slider_and_play_buttons(demo):
    fig = contour_figure(demo, "zh")
    [slider] = fig.layout.sliders
    assert [s.label for s in slider.steps] == [str(k) for k in range(101)]
    assert slider.active == 100
    assert list(slider.steps[7].args[0]) == ["7"] and slider.steps[7].method == "animate"
    assert slider.currentvalue.prefix == "步数 "
    [menu] = fig.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["播放", "暂停"]
    assert menu.buttons[0].args[1]["frame"]["redraw"] is False  # shapes need no redraw
    assert surface_figure(demo).layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True


def test_a_chosen_step_and_a_static_figure(demo):
    fig = contour_figure(demo, step=5, animate=False)
    meta = fig.layout.meta
    assert len(path_points(shapes_of(fig.layout.shapes, meta, "path:true"))) == 6
    assert shapes_of(fig.layout.shapes, meta, "current:true").xanchor == demo.true.path.steps[5].a
    assert len(trace(fig, "path:true").x) == 101  # the whole route stays visible, faint
    assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus
    assert contour_figure(demo, step=5).layout.sliders[0].active == 5
    far = contour_figure(demo, step=10_000, animate=False)
    assert len(path_points(shapes_of(far.layout.shapes, far.layout.meta, "path:true"))) == 101


def test_one_variant_alone(demo):
    fig = contour_figure(demo, variants="detached")
    names = fig.layout.meta["traces"]
    assert "path:true" not in names and "field:true" not in names and "path:detached" in names
    assert [n for n in names if n.startswith("fixed:")] == ["fixed:detached:0"]
    assert len(fig.frames[3].layout.shapes) == 2
    assert len(surface_figure(demo, variants="true").frames[3].data) == 2


def test_arrows_point_where_descent_moves(demo):
    field = demo.detached.field
    scale = arrow_scale([field])
    xs, ys = arrow_segments(field, scale, per_side=5)
    # each arrow: shaft (2 points, None), head (3 points, None)
    assert len(xs) == len(ys) == 7 * 25
    rows = np.unique(np.linspace(0, field.b_axis.size - 1, 5).round().astype(int))
    cols = np.unique(np.linspace(0, field.a_axis.size - 1, 5).round().astype(int))
    i, j = rows[1], cols[3]
    k = 7 * (1 * 5 + 3)
    assert (xs[k], ys[k]) == (field.a_axis[j], field.b_axis[i])
    shaft = np.array([xs[k + 1] - xs[k], ys[k + 1] - ys[k]])
    np.testing.assert_allclose(shaft, -scale * np.array([field.grad_a[i, j], field.grad_b[i, j]]), rtol=1e-12)
    assert xs[k + 2] is None and xs[k + 4] == xs[k + 1]


def test_the_two_fields_differ_on_the_figure(demo):
    fig = contour_figure(demo)
    true, detached = trace(fig, "field:true"), trace(fig, "field:detached")
    assert len(true.x) == len(detached.x)
    differ = [abs(p - q) > 1e-9 for p, q in zip(true.x, detached.x) if p is not None and q is not None]
    assert any(differ)
    assert true.name == "descent direction (−gradient): true gradient"


def test_surface_figure(demo):
    fig = surface_figure(demo)
    names = fig.layout.meta["traces"]
    assert list(names)[:1] == ["surface"] and "path:true" in names and "path:detached" in names
    surface = trace(fig, "surface")
    np.testing.assert_array_equal(surface.z, demo.surface.loss)
    path = trace(fig, "path:true")
    lift = 0.01 * float(np.ptp(demo.surface.loss))
    np.testing.assert_allclose(path.z, demo.true.path.column("loss") + lift, rtol=1e-12)
    assert len(fig.frames) == 101 and len(fig.frames[4].data[0].z) == 5
    assert fig.frames[4].data[0].type == "scatter3d"
    assert fig.layout.scene.zaxis.title.text == "l"
    assert surface_figure(demo, "zh").layout.title.text == "损失曲面 l(a, b)"


def test_long_runs_are_sampled_into_at_most_max_frames():
    demo = build_demo(steps=1000, lr=0.01)
    steps = frame_steps(demo)
    assert len(steps) <= MAX_FRAMES and steps[0] == 0 and steps[-1] == 1000
    assert steps == sorted(set(steps))
    fig = contour_figure(demo)
    assert len(fig.frames) == len(steps)
    last = fig.frames[-1].layout.shapes
    assert len(path_points(shapes_of(last, fig.layout.meta, "path:true"))) == 1001


def test_a_diverged_path_is_drawn_up_to_where_it_stopped():
    demo = build_demo(DEFAULT_LOSS, lr=0.5, steps=100, grid=Grid(n_a=41, n_b=41))
    assert demo.true.path.stop.key == "descent.diverged_left_grid"
    fig = contour_figure(demo)
    true = trace(fig, "path:true")
    assert len(true.x) == len(demo.true.path.steps) < 101
    assert len(fig.frames) == len(demo.detached.path.steps)  # the longer of the two paths
    overflow = build_demo(DEFAULT_LOSS, lr=1.0, steps=200, grid=Grid(-1e30, 1e30, -1e30, 1e30, 5, 5))
    assert overflow.true.path.stop.key == "descent.diverged"
    fig = contour_figure(overflow)
    path = trace(fig, "path:true")
    assert all(math.isfinite(v) for v in path.x)  # the non-finite last point is left out
    assert len(path.x) == len(overflow.true.path.steps) - 1
    drawn = path_points(shapes_of(fig.layout.shapes, fig.layout.meta, "path:true"))
    assert all(math.isfinite(v) for point in drawn for v in point)


def test_step_table_columns_in_both_languages(demo):
    table = step_table(demo.true.path)
    assert list(table) == ["step", "a", "b", "l", "dl/da", "dl/db"]
    assert table["step"][:3] == [0, 1, 2] and len(table["a"]) == 101
    assert table["l"][0] == 1.5 and table["dl/da"][0] == pytest.approx(-1.0 + 2.0)
    chinese = step_table(demo.true.path, "zh")
    assert next(iter(chinese)) == "步" and chinese["a"] == table["a"]


def test_figures_serialise(demo):
    for fig in (contour_figure(demo), surface_figure(demo)):
        text = fig.to_json()
        assert '"frames"' in text and "NaN" not in text


def test_at_frame_replaces_animated_traces_and_moves_the_slider():
    fig = {"data": [{"x": [0]}, {"x": [9], "name": "p"}],
           "frames": [{"name": "0", "data": [{"x": [1]}], "traces": [1]},
                      {"name": "5", "data": [{"x": [2]}], "traces": [1]}],
           "layout": {"sliders": [{"active": 1}]}}
    shown = at_frame(fig, 3)
    assert shown["data"][1] == {"x": [1], "name": "p"}
    assert shown["layout"]["sliders"][0]["active"] == 0
    assert at_frame(fig, 99)["data"][1]["x"] == [2]
    assert fig["data"][1]["x"] == [9]  # the cached figure is not touched
