"""Figures: traces per kind, labels, hover text, selection ids, highlight, gradient overlay, themes."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from engine.graph import tensor_id
from explorer.graph.figures import (
    GRAD_BINS,
    KIND_STYLE,
    graph_figure,
    graph_view,
    node_at,
    node_hover,
    node_label,
)
from explorer.graph.gradients import backward_gradients, forward_gradients
from explorer.graph.layout import layered_layout
from explorer.graph.names import tensor_names_of
from explorer.text.values import format_number, value_text


def small_forward() -> nx.DiGraph:
    """w * x -> y, shaped like engine.graph.forward_graph's export."""
    g = nx.DiGraph(roots=["t3"])
    g.add_node("t1", kind="leaf", name="w", label="w", shape=(2,), dtype="torch.float32",
               value=np.array([1.0, 2.0]), grad=np.array([3.0, 4.0]), requires_grad=True, grad_fn=None)
    g.add_node("t2", kind="constant", name="x", label="x", shape=(2,), dtype="torch.float32",
               value=np.array([3.0, 4.0]), grad=None, requires_grad=False, grad_fn=None)
    g.add_node("n1", kind="op", name="MulBackward0", op="mul", formula="result = self * other",
               backward_formulas=("grad_self = grad * other", "grad_other = grad * self"),
               saved={"other": np.array([3.0, 4.0])}, released=False, attrs={})
    g.add_node("t3", kind="output", name="y", label="y", shape=(2,), dtype="torch.float32",
               value=np.array([3.0, 8.0]), grad=None, requires_grad=True, grad_fn="MulBackward0")
    g.add_edge("t1", "n1", arg=0)
    g.add_edge("t2", "n1", arg=1)
    g.add_edge("n1", "t3", arg=0)
    return g


def nodes_by_id(fig):
    """{node id: (its marker trace, index)}."""
    found = {}
    for trace in fig.data[:-2]:
        if trace.mode != "markers" or trace.name in ("linked", "found"):
            continue
        for i, node in enumerate(trace.customdata or ()):
            found[node] = (trace, i)
    return found


def labels_by_id(fig) -> dict:
    """{node id: the label drawn beside it}."""
    trace = fig.data[fig.layout.meta["labels_trace"]]
    return dict(zip(trace.customdata, trace.text))


def test_one_trace_per_kind_with_okabe_ito_colours_and_shapes():
    fig = graph_figure(small_forward())
    by_name = {tr.name: tr for tr in fig.data}
    leaf = by_name["leaf tensor that requires grad"]
    assert leaf.marker.color == KIND_STYLE["leaf"][0] == "#E69F00"
    assert by_name["operation"].marker.symbol == "square"
    assert by_name["output"].marker.symbol == "star"
    assert by_name["constant (requires_grad=False)"].marker.symbol == "circle-open"
    assert fig.layout.meta["view"] == "forward"
    assert fig.layout.meta["highlight_trace"] == len(fig.data) - 1


def test_labels_and_hover_carry_name_shape_dtype_value_grad_and_formula():
    g = small_forward()
    fig = graph_figure(g)
    found = nodes_by_id(fig)
    trace, i = found["t1"]
    assert labels_by_id(fig)["t1"] == "w<br>(2,) float32"
    assert trace.hovertext[i] == (
        "<b>w</b>  <i>leaf tensor that requires grad</i><br>"
        "shape (2,), dtype float32, requires_grad=True<br>value: [1., 2.]<br>.grad: [3., 4.]"
    )
    trace, i = found["n1"]
    assert labels_by_id(fig)["n1"] == "MulBackward0"
    hover = trace.hovertext[i]
    assert "forward: result = self * other" in hover
    assert "backward: grad_self = grad * other" in hover
    assert "other = [3., 4.]" in hover  # the saved value


def test_chinese_hover_and_legend():
    fig = graph_figure(small_forward(), lang="zh")
    assert "需要梯度的叶子张量" in {tr.name for tr in fig.data}
    assert node_hover(small_forward(), "t1", "zh").startswith("<b>w</b>  <i>需要梯度的叶子张量</i>")


def test_large_values_are_summarised_in_hover():
    g = small_forward()
    g.nodes["t2"]["value"] = np.arange(100.0).reshape(10, 10)
    g.nodes["t2"]["shape"] = (10, 10)
    hover = node_hover(g, "t2")
    assert "value: shape (10, 10), min 0., max 99., mean 49.5000" in hover


def test_customdata_maps_points_back_to_node_ids():
    g = small_forward()
    fig = graph_figure(g)
    assert set(nodes_by_id(fig)) == set(g.nodes)
    assert node_at(["n1"]) == "n1" and node_at("t3") == "t3" and node_at(None) is None


def test_highlight_rings_the_node_and_bolds_its_edges():
    g = small_forward()
    layout = layered_layout(g)
    fig = graph_figure(g, layout, highlight="n1")
    ring = fig.data[fig.layout.meta["highlight_trace"]]
    assert (ring.x[0], ring.y[0]) == layout.positions["n1"]
    assert list(ring.customdata) == ["n1"]
    edges = fig.data[fig.layout.meta["highlight_edges_trace"]]
    assert sum(1 for x in edges.x if x is None) == 3  # all three edges touch n1
    plain = graph_figure(g, layout)
    assert len(plain.data[plain.layout.meta["highlight_trace"]].x) == 0


def test_gradient_overlay_shades_edges_by_size():
    g = small_forward()
    edge_grads = {("t1", "n1"): np.array([3.0, 4.0]), ("n1", "t3"): np.array([0.1, 0.1])}
    fig = graph_figure(g, edge_gradients=edge_grads, node_gradients={"t1": np.array([3.0, 4.0])})
    shaded = {tr.line.color: tr for tr in fig.data if tr.mode == "lines" and tr.line.color in GRAD_BINS}
    assert set(shaded) == {GRAD_BINS[-1], GRAD_BINS[0]}  # largest gradient darkest bin, smallest lightest
    assert shaded[GRAD_BINS[-1]].line.width > shaded[GRAD_BINS[0]].line.width
    trace, i = nodes_by_id(fig)["t1"]
    assert trace.marker.line.width[i] == pytest.approx(8.0)
    assert "gradient here: [3., 4.]" in trace.hovertext[i]


def test_dark_theme_uses_plotly_dark_and_light_text():
    fig = graph_figure(small_forward(), theme="dark")
    assert fig.layout.template.layout.paper_bgcolor == "rgb(17,17,17)"
    assert fig.data[fig.layout.meta["labels_trace"]].textfont.color == "#f2f2f2"


def test_big_graph_drops_labels_and_shows_the_notice():
    g = nx.DiGraph()
    nx.add_path(g, [f"n{i}" for i in range(400)])
    for n in g:
        g.nodes[n]["kind"] = "function"
        g.nodes[n]["name"] = "AddBackward0"
    layout = layered_layout(g, max_nodes=200)
    fig = graph_figure(g, layout)
    modes = {tr.name: tr.mode for tr in fig.data[:-2] if tr.customdata}
    assert modes == {"backward function (grad_fn)": "markers", "hidden part of a large graph": "markers",
                     "labels": "text"}
    # only the landmark keeps its label: the placeholder for the hidden part
    assert list(labels_by_id(fig).values()) == ["… 200 more nodes"]
    assert fig.layout.meta["notice"] == layout.notice_text("en")
    assert "200" in fig.layout.annotations[0].text


def test_value_text_formats_like_pytorch_prints():
    assert [format_number(v) for v in (1.0, 0.25, -3, 1e-7)] == ["1.", "0.2500", "-3", "1.0000e-07"]
    assert value_text(np.eye(2)) == "[[1., 0.],\n [0., 1.]]"
    assert value_text(None) == "None"
    assert value_text(np.zeros((0, 3))) == "empty, shape (0, 3)"


# ---------------------------------------------------------------- engine graphs

engine = pytest.importorskip("engine")


def test_gradients_of_a_real_pass_on_both_views():
    from engine import backward_trace
    from engine import graph as engine_graph

    x = engine.tensor([1.0, 2.0], requires_grad=True)
    c = engine.tensor([3.0, 4.0])
    with engine_graph.capture():
        y = x * c
        s = y.sum()
    with backward_trace.record() as rec:
        s.backward()
    (bpass,) = rec.passes
    forward = engine_graph.forward_graph(s, names={"x": x, "c": c, "y": y, "s": s})
    node_grads, edge_grads = forward_gradients(bpass, forward)
    x_id, y_id, c_id = tensor_id(x), tensor_id(y), tensor_id(c)
    np.testing.assert_allclose(node_grads[x_id], [3.0, 4.0])  # d s / d x = c
    np.testing.assert_allclose(node_grads[y_id], [1.0, 1.0])
    mul = next(n for n, d in forward.nodes(data=True) if d.get("name") == "MulBackward0")
    np.testing.assert_allclose(edge_grads[(x_id, mul)], [3.0, 4.0])
    assert (c_id, mul) not in edge_grads  # nothing flows into a constant
    back_nodes, back_edges = backward_gradients(bpass)
    acc = next(n for n, d in bpass.graph.nodes(data=True) if d["kind"] == "accumulate")
    np.testing.assert_allclose(back_nodes[acc], [3.0, 4.0])
    np.testing.assert_allclose(back_edges[(mul, acc)], [3.0, 4.0])
    assert tensor_names_of(forward)[x_id] == "x"
    fig = graph_figure(bpass.graph, tensor_names=tensor_names_of(forward))
    assert graph_view(bpass.graph) == "backward"
    assert "AccumulateGrad<br>x" in [label for tr in fig.data[:-2] for label in (tr.text or ())]
    assert node_label(bpass.graph, acc) == "AccumulateGrad"  # the export itself is left unchanged
