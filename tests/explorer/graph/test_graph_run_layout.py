"""One layout per result: the worker lays a run's graphs out once, and every view and export reuses it."""

from __future__ import annotations

import json
import re

from explorer.backward.figures import animation_figure, pass_layout, step_figure_dict, step_svg_text
from explorer.exports import graph_to_json
from explorer.graph.views import graph_figure_dict, graph_of, graph_svg_text, layout_of
from explorer.lessons import LESSON_BY_KEY
from explorer.sandbox import run_program


def test_a_run_carries_one_layout_per_graph():
    result = run_program(LESSON_BY_KEY["accumulation"].code, isolated=False)
    assert set(result.forward_layout.positions) >= set(result.forward_graph)
    assert set(result.backward_layout.positions) >= set(result.backward_graph)
    assert len(result.pass_layouts) == len(result.passes) == 3
    for p, layout in zip(result.passes, result.pass_layouts):
        assert set(layout.positions) == set(p.graph)
    # the worker names AccumulateGrad nodes once, for every view
    names = {d.get("tensor_name") for _, d in result.backward_graph.nodes(data=True) if d["kind"] == "accumulate"}
    assert names == {"inp"}


def test_views_and_exports_reuse_the_result_layouts(monkeypatch):
    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)

    def no_second_layout(*args, **kwargs):
        raise AssertionError("a view laid a graph out again")

    monkeypatch.setattr("explorer.graph.run_layout.layered_layout", no_second_layout)
    for view in ("forward", "backward"):
        fig = graph_figure_dict(result, view)
        layout = layout_of(result, view)
        drawn = {c: (x, y) for trace in fig["data"][:-2]
                 if trace.get("customdata") is not None and trace["mode"] == "markers"
                 for c, x, y in zip(trace["customdata"], trace["x"], trace["y"])}
        assert drawn == {str(n): layout.positions[n] for n in layout.graph}
        # the SVG puts each node where the layout did, one unit a pixel (y down, from the top of the drawing)
        svg = graph_svg_text(result, view)
        xs = {n: float(x) for n, x in re.findall(r'data-node="([^"]+)"[^>]*?data-x="([-0-9.]+)"', svg)}
        assert set(xs) == {str(n) for n in layout.graph}
        first = min(layout.graph, key=lambda n: layout.positions[n][0])
        assert all(abs((xs[str(n)] - xs[str(first)]) - (layout.positions[n][0] - layout.positions[first][0])) < 0.11
                   for n in layout.graph)
        nodes = json.loads(graph_to_json(graph_of(result, view), layout))["nodes"]
        assert all((n["x"], n["y"]) == layout.positions[n["id"]] for n in nodes if n["id"] in layout.positions)
        # what is not drawn is the view of x that matmul made: x itself is drawn feeding MmBackward0
        assert [n["label"] for n in nodes if "x" not in n] == (["x (view)"] if view == "forward" else [])
    assert 'aria-pressed="true"' in step_svg_text(result, 0, 2)
    step = step_figure_dict(result, 0, 2)
    assert step["layout"]["meta"]["view"] == "backward"
    animation_figure(result.passes[0], layout=pass_layout(result, 0), names=result.names)


def test_layouts_cross_the_worker_boundary():
    result = run_program(LESSON_BY_KEY["one_layer"].code)
    assert result.forward_layout is not None and result.pass_layouts[0] is not None
