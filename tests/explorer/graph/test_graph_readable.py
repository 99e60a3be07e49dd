"""A graph a class can read (issue 17): nodes laid out with their labels' real sizes, drawn one layout unit a
pixel, so no two labels overlap and none leaves the figure; the step's ring clear of its node's label; one node
per tensor; separate computations drawn as separate, titled parts. (The browser tests measure the same on the
rendered SVG: tests/browser/test_graph_labels.py.)"""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.graph.figures import graph_figure, highlight_traces
from explorer.graph.labels import RING_PAD, broken, drawn_label, label_offset, marker_size, node_box
from explorer.graph.layout import layered_layout
from explorer.graph.run_layout import ROW_WIDTH, graph_layout
from explorer.graph.shown import one_node_per_tensor
from explorer.graph.text_size import LABEL_PX, text_height, text_width
from explorer.lessons import LESSON_BY_KEY, LESSONS
from explorer.sandbox import run_program
from tests.programs import AFFINE_LOOP, NET

MULTI_PART = """import torch
a = torch.tensor([1., 2.], requires_grad=True)
b = (a * 3).sum()
b.backward()
c = torch.tensor(2.0, requires_grad=True)
d = c ** 2 + c
d.backward()
"""


def boxes_of(layout) -> dict:
    """{node: (x0, y0, x1, y1)} of every drawn node with its label, from the layout and the label sizes."""
    out = {}
    for n, (x, y) in layout.positions.items():
        box = node_box(layout.graph, n, saved=layout.extras.get("saved", False),
                       labelled=layout.extras.get("labelled", True))
        out[n] = (x - box.left, y - box.down, x + box.right, y + box.up)
    return out


def overlapping(boxes: dict) -> list[tuple]:
    found = []
    for (a, p), (b, q) in itertools.combinations(boxes.items(), 2):
        if min(p[2], q[2]) - max(p[0], q[0]) > 1e-6 and min(p[3], q[3]) - max(p[1], q[1]) > 1e-6:
            found.append((a, b))
    return found


# --- text sizes and labels -------------------------------------------------------------------------------


def test_label_widths_count_characters_of_the_monospace_font():
    assert text_width("MulBackward0") == pytest.approx(12 * 0.62 * LABEL_PX)
    assert text_width("w<br>(5, 3) float32") == text_width("(5, 3) float32")  # the widest line
    assert text_width("损失") == pytest.approx(2 * 1.02 * LABEL_PX)  # CJK characters are twice as wide
    assert text_width("a&lt;b") == text_width("a<b")
    assert text_height("a<br>b") > text_height("a")


def test_long_grad_fn_names_break_at_a_capital_near_the_middle():
    assert broken("BinaryCrossEntropyWithLogitsBackward0") == "BinaryCrossEntropy<br>WithLogitsBackward0"
    assert broken("LinalgVectorNormBackward0") == "LinalgVector<br>NormBackward0"
    assert broken("AddBackward0") == "AddBackward0"


def test_labels_start_beyond_the_steps_ring():
    for kind in ("op", "function", "accumulate", "leaf", "output", "none"):
        ring_outside = marker_size(kind) / 2 + RING_PAD + 1.5  # the ring's radius plus half its line
        assert label_offset(kind) >= ring_outside + 6


# --- the layout ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_no_two_nodes_or_labels_overlap_in_any_lesson(lesson):
    result = run_program(lesson.code, isolated=False)
    layouts = [result.forward_layout, result.backward_layout, *result.pass_layouts]
    for layout in (layout for layout in layouts if layout is not None):
        assert overlapping(boxes_of(layout)) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 30), st.floats(0.03, 0.4), st.integers(0, 10_000))
def test_boxes_of_any_size_never_overlap(n, p, seed):
    rng = random.Random(seed)
    g = nx.DiGraph()
    g.add_nodes_from(f"v{i}" for i in range(n))
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() < p:
            g.add_edge(f"v{i}", f"v{j}")
    sizes = {v: (rng.uniform(2, 20), rng.uniform(2, 300), rng.uniform(2, 40), rng.uniform(2, 40)) for v in g}
    # an input read far down is drawn again there: its copy ("v1@v9", copy_of="v1") is as big as it
    layout = layered_layout(g, box=lambda drawn, v: sizes[drawn.nodes[v].get("copy_of", v)], node_gap=10,
                            layer_gap=10, parts=True, max_width=500, part_gap=20)
    size = {v: sizes[layout.graph.nodes[v].get("copy_of", v)] for v in layout.positions}
    boxes = {v: (x - size[v][0], y - size[v][3], x + size[v][1], y + size[v][2])
             for v, (x, y) in layout.positions.items()}
    assert overlapping(boxes) == []
    x0, y0, x1, y1 = layout.bounds
    assert all(x0 - 1e-6 <= b[0] and b[2] <= x1 + 1e-6 and y0 - 1e-6 <= b[1] and b[3] <= y1 + 1e-6
               for b in boxes.values())
    for u, v in g.edges:
        assert layout.positions[u][1] > layout.positions[v][1]


def test_separate_computations_are_separate_titled_parts_in_program_order():
    result = run_program(MULTI_PART, isolated=False)
    for layout in (result.forward_layout, result.backward_layout):
        assert len(layout.parts) == 2
        first, second = layout.parts
        # side by side, each with its own title above it, never overlapping
        assert first.bounds[2] < second.bounds[0]
        assert first.title_at is not None and first.title_at[1] >= first.bounds[3]
    fig = graph_figure(result.forward_graph, result.forward_layout)
    titles = [a.text for a in fig.layout.annotations if a.name == "part-title"]
    assert titles == ["<b>Part 1: b</b>", "<b>Part 2: d</b>"]
    back = graph_figure(result.backward_graph, result.backward_layout, lang="zh")
    assert [a.text for a in back.layout.annotations if a.name == "part-title"] == [
        "<b>第 1 部分：a 的梯度</b>", "<b>第 2 部分：c 的梯度</b>"]


def test_parts_wrap_into_rows_no_wider_than_the_page():
    g = nx.DiGraph()
    for k in range(12):
        g.add_edge(f"t{2 * k}", f"n{k}")
        g.add_edge(f"n{k}", f"t{2 * k + 1}")
        g.nodes[f"n{k}"].update(kind="op", name="BinaryCrossEntropyWithLogitsBackward0")
        g.nodes[f"t{2 * k}"].update(kind="leaf", name=f"weight_{k}", shape=(5, 3), dtype="torch.float32")
        g.nodes[f"t{2 * k + 1}"].update(kind="output", name=f"loss_{k}", shape=(), dtype="torch.float32")
    layout = graph_layout(g)
    assert len(layout.parts) == 12
    assert layout.bounds[2] - layout.bounds[0] <= ROW_WIDTH
    assert len({p.title_at[1] for p in layout.parts}) > 1  # more than one row
    assert [p.index for p in layout.parts] == list(range(12))
    assert layout.parts[0].nodes == ["n0", "t0", "t1"]


def test_the_figure_draws_one_layout_unit_a_pixel():
    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    fig = graph_figure(result.forward_graph, result.forward_layout)
    lay = fig.layout
    plot_width = lay.width - lay.margin.l - lay.margin.r
    plot_height = lay.height - lay.margin.t - lay.margin.b
    assert lay.xaxis.range[1] - lay.xaxis.range[0] == pytest.approx(plot_width)
    assert lay.yaxis.range[1] - lay.yaxis.range[0] == pytest.approx(plot_height)
    assert lay.margin.autoexpand is False  # the legend cannot shrink the plot area
    x0, y0, x1, y1 = result.forward_layout.bounds
    assert lay.xaxis.range[0] <= x0 and x1 <= lay.xaxis.range[1]
    assert lay.yaxis.range[0] <= y0 and y1 <= lay.yaxis.range[1]


def test_the_ring_hugs_the_marker_and_stays_off_the_label():
    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    layout = result.pass_layouts[0]
    root = result.passes[0].events[0].node
    _, ring = highlight_traces(layout, root)
    kind = layout.graph.nodes[root]["kind"]
    assert ring.marker.size == marker_size(kind) + 2 * RING_PAD
    assert ring.marker.size / 2 + ring.marker.line.width / 2 < label_offset(kind)


# --- one node per tensor ----------------------------------------------------------------------------------


def test_matmul_reads_x_itself_not_a_separate_view():
    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    raw = result.forward_graph
    views = [n for n, d in raw.nodes(data=True) if str(d.get("label")).endswith("(view)")]
    assert len(views) == 1  # the export draws matmul's unsqueezed x apart
    shown = one_node_per_tensor(raw)
    x = next(n for n, d in shown.nodes(data=True) if d.get("name") == "x")
    mm = next(n for n, d in shown.nodes(data=True) if d.get("name") == "MmBackward0")
    assert shown.has_edge(x, mm)
    assert shown.nodes[x]["views"] == [(1, 5)]
    assert views[0] not in shown and views[0] in raw  # the export itself is unchanged
    layout = result.forward_layout
    assert len(layout.parts) == 1 and layout.graph.has_edge(x, mm)
    fig = graph_figure(raw, layout)
    labels = fig.data[fig.layout.meta["labels_trace"]]
    hover = dict(zip(labels.customdata, labels.hovertext))[x]
    assert "also used as a view of shape (1, 5)" in hover


def test_a_view_an_op_made_stays_a_node():
    g = nx.DiGraph()
    g.add_node("t0", kind="leaf", name="x", label="x")
    g.add_node("n1", kind="op", name="UnsqueezeBackward0")
    g.add_node("t1", kind="intermediate", name=None, label="x (view)")
    g.add_edges_from([("t0", "n1"), ("n1", "t1")])
    assert one_node_per_tensor(g) is g


def test_drawn_labels_say_what_the_tape_kept_in_the_backward_view():
    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    graph = result.passes[0].graph
    mm = next(n for n, d in graph.nodes(data=True) if d.get("name") == "MmBackward0")
    assert "_saved_self v0" in drawn_label(graph, mm, saved=True)
    assert "_saved" not in drawn_label(graph, mm, saved=False)


# --- what the tape kept ---------------------------------------------------------------------------------------

IN_PLACE = """import torch
a = torch.tensor([1., 2.], requires_grad=True)
b = a * 2
c = b.sigmoid()
c.mul_(2)
c.sum().backward()
"""


def test_the_in_place_error_marks_the_saved_tensor_whose_version_moved():
    from explorer.graph.views import node_details

    result = run_program(IN_PLACE, isolated=False)
    assert "modified by an inplace operation" in result.error.message
    layout = result.forward_layout
    sigmoid = next(n for n, d in layout.graph.nodes(data=True) if d.get("name") == "SigmoidBackward0")
    (output,) = layout.graph.successors(sigmoid)
    # the op that saved it and the tensor it saved are both marked, with the versions then and now
    assert layout.graph.nodes[output]["moved"] == ("result", 0, 1)
    assert "saved as _saved_result v0, now v1!" in drawn_label(layout.graph, output)
    assert "_saved_result v0, now v1!" in drawn_label(layout.graph, sigmoid)
    fig = graph_figure(result.forward_graph, layout)
    marked = {c for tr in fig.data if tr.mode == "markers" and tr.customdata is not None
              and isinstance(tr.marker.line.color, tuple)
              for c, colour in zip(tr.customdata, tr.marker.line.color) if colour == "#D55E00"}
    assert marked == {sigmoid, output}
    rows = dict(node_details(result, "backward", sigmoid))
    # what it holds now: sigmoid(2 a) doubled in place
    assert "_saved_result = [1.7616, 1.9640]" in rows["saved for backward"]
    assert "saved at version 0, now version 1" in rows["saved for backward"]
    assert "_saved_result v0, now v1!" in drawn_label(result.backward_graph, sigmoid, saved=True)


def test_saved_tensors_are_listed_by_pytorchs_names_with_their_version():
    from explorer.graph.views import node_details

    result = run_program(LESSON_BY_KEY["accumulation"].code, isolated=False)
    pow_node = next(n for n, d in result.backward_graph.nodes(data=True) if d.get("name") == "PowBackward0")
    rows = dict(node_details(result, "backward", pow_node))
    assert rows["saved for backward"].startswith("_saved_self = [[2., 1., 1., 1., 1.],")
    assert rows["saved for backward"].endswith("(version 0)")


# --- the two views linked, and a search ----------------------------------------------------------------------


def test_a_tensor_links_to_the_grad_fn_that_made_it_and_the_accumulate_grad_it_feeds():
    from explorer.graph.links import linked_nodes

    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    forward, backward = result.forward_graph, result.backward_graph
    by_name = {d.get("name"): n for n, d in forward.nodes(data=True) if d.get("name")}
    acc = {d["tensor_name"]: n for n, d in backward.nodes(data=True) if d["kind"] == "accumulate"}
    add = next(n for n, d in backward.nodes(data=True) if d.get("name") == "AddBackward0")
    assert linked_nodes(forward, backward, by_name["w"], "forward") == [acc["w"]]
    assert linked_nodes(forward, backward, by_name["z"], "forward") == [add]
    assert linked_nodes(forward, backward, add, "forward") == [add]  # an op is its backward function
    # and the reverse
    assert linked_nodes(forward, backward, acc["b"], "backward") == [by_name["b"]]
    assert linked_nodes(forward, backward, add, "backward") == [add, by_name["z"]]
    assert linked_nodes(forward, backward, by_name["x"], "forward") == []  # a constant has no gradient node


def test_search_finds_nodes_by_name_op_or_grad_fn():
    from explorer.graph.links import search

    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    graph = result.forward_layout.graph
    names = {n: graph.nodes[n].get("name") or graph.nodes[n].get("label") for n in graph}
    assert {names[n] for n in search(graph, "mmback")} == {"MmBackward0"}
    assert {names[n] for n in search(graph, " loss ")} == {"loss"}
    assert search(graph, "nothing like this") == [] and search(graph, "  ") == []


# --- big graphs stay readable: loops and module calls folded -------------------------------------------------

RNN = """import torch
torch.manual_seed(0)
W = torch.randn(3, 3, requires_grad=True)
U = torch.randn(3, 2, requires_grad=True)
h = torch.zeros(3)
for t in range(12):
    h = torch.tanh(W @ h + U @ torch.randn(2))
loss = h.sum()
loss.backward()
"""


def kinds(graph) -> dict:
    out: dict = {}
    for n, d in graph.nodes(data=True):
        out.setdefault(d.get("kind"), []).append(n)
    return out


def test_a_loop_is_folded_to_one_iteration_with_times_n_and_can_be_expanded():
    from explorer.graph.views import expanded_layout

    result = run_program(AFFINE_LOOP, isolated=False)
    assert result.forward_graph.number_of_nodes() == 403
    for view, graph, layout in (("forward", result.forward_graph, result.forward_layout),
                                ("backward", result.backward_graph, result.backward_layout)):
        drawn = layout.graph
        (loop,) = kinds(drawn)["loop"]
        assert drawn.nodes[loop]["repeats"] == 100
        assert drawn.number_of_nodes() < 16 and layout.extras["folded"]
        # one iteration drawn: one MulBackward0 and one AddBackward0 besides the folded node
        names = sorted(drawn.nodes[n]["name"] for n in kinds(drawn).get("op", kinds(drawn).get("function")))
        assert names == ["AddBackward0", "MulBackward0"]
        assert drawn_label(drawn, loop).startswith("×100 loop<br>99 more iterations")
        assert drawn_label(drawn, loop, "zh").startswith("×100 循环")
        # every node of the export is drawn, or is in the folded node
        members = set(drawn.nodes[loop]["members"])
        assert set(graph) == (set(drawn) - {loop}) | members
        assert nx.is_directed_acyclic_graph(drawn)
        whole = expanded_layout(result, view)
        assert not any(d.get("kind") == "loop" for _, d in whole.graph.nodes(data=True))
        assert set(graph) <= set(whole.graph)


def test_inputs_made_inside_a_loop_fold_with_their_iteration():
    result = run_program(RNN, isolated=False)
    drawn = result.forward_layout.graph
    (loop,) = kinds(drawn)["loop"]
    assert drawn.nodes[loop]["repeats"] == 12
    assert drawn.number_of_nodes() == 16  # W, U, the first h and randn(2), one step, the loop, h, sum, loss
    layout = result.pass_layouts[0]
    # the step-through rings the folded node while a folded iteration runs
    inner = next(ev.node for ev in result.passes[0].events if ev.node in layout.extras["member_of"])
    _, ring = highlight_traces(layout, inner)
    assert (ring.x[0], ring.y[0]) == layout.positions[layout.extras["member_of"][inner]]


def test_a_program_without_repeats_folds_nothing():
    for lesson in LESSONS:
        result = run_program(lesson.code, isolated=False)
        for layout in (result.forward_layout, result.backward_layout):
            assert layout is None or not layout.extras["folded"], lesson.key


def module_graphs():
    import engine
    from engine import graph as engine_graph

    engine.manual_seed(0)
    model = engine.nn.Sequential(engine.nn.Linear(4, 8), engine.nn.ReLU(), engine.nn.Linear(8, 1))
    x = engine.randn(16, 4)
    with engine_graph.capture():
        out = model(x)
        again = model[0](x).sum()  # a second call of the first layer: a box of its own
        loss = out.pow(2).mean() + again
    forward = engine_graph.forward_graph([loss], names={"x": x, "loss": loss})
    return forward, engine_graph.backward_graph(loss)


def test_a_module_call_folds_into_one_box_named_by_its_attribute():
    forward, backward = module_graphs()
    for graph in (forward, backward):
        drawn = graph_layout(graph).graph
        boxes = {n: drawn.nodes[n]["label"] for n in kinds(drawn)["module"]}
        # each call its own box; the layer called on its own (model[0](x)) has no attribute to be named by
        assert sorted(boxes.values()) == ["0: Linear(4 -> 8)", "1: ReLU()", "2: Linear(8 -> 1)",
                                          "Linear(4 -> 8)"]
        # the ops are inside, and the parameters of one call (the first layer's, read by both of its calls,
        # stay outside: its weight's and bias's AccumulateGrad in the backward view)
        outside = [drawn.nodes[n].get("name") for n in drawn]
        assert not set(outside) & {"AddmmBackward0", "TBackward0", "ReluBackward0"}
        assert outside.count("AccumulateGrad") == (2 if graph is backward else 0)
    drawn = graph_layout(forward).graph
    x = next(n for n, d in drawn.nodes(data=True) if d.get("name") == "x")
    assert {drawn.nodes[v]["label"] for v in drawn.successors(x)} == {"0: Linear(4 -> 8)", "Linear(4 -> 8)"}
    whole = graph_layout(forward, fold=False).graph
    assert "module" not in kinds(whole) and "AddmmBackward0" in {d.get("name") for d in whole.nodes.values()}


def test_search_finds_a_folded_box_by_what_is_inside():
    from explorer.graph.links import search

    forward, _ = module_graphs()
    drawn = graph_layout(forward).graph
    assert {drawn.nodes[n]["label"] for n in search(drawn, "Linear(8")} == {"2: Linear(8 -> 1)"}
    # the three boxes that hold an AddmmBackward0, and the three tensors they return
    assert sorted(drawn.nodes[n]["kind"] for n in search(drawn, "addmm")) == ["intermediate"] * 3 + ["module"] * 3
    loop = run_program(AFFINE_LOOP, isolated=False).forward_layout.graph
    assert [loop.nodes[n]["kind"] for n in search(loop, "mulbackward")] == ["op", "loop"]


def test_the_animations_text_box_fits_in_the_figure():
    from explorer.backward.figures import FRAME_LINE, _wrapped, animation_figure
    from explorer.backward.frames import frames_from_pass

    result = run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)
    fig = animation_figure(result.passes[0], layout=result.pass_layouts[0], names=result.names)
    tallest = max(len(_wrapped(f)) for f in frames_from_pass(result.passes[0], "en", result.names))
    plot_top = fig.layout.margin.t
    # the box hangs from the top of the plot area: the figure below it holds all its lines
    assert fig.layout.height - plot_top >= tallest * FRAME_LINE + 20
    assert fig.layout.margin.r >= 460  # and the right margin holds its width




def test_a_models_layers_are_boxes_named_by_their_attribute_in_both_views():
    result = run_program(NET, isolated=False)
    assert result.error is None
    for layout in (result.forward_layout, result.backward_layout):
        drawn = layout.graph
        assert sorted(drawn.nodes[n]["label"] for n in kinds(drawn)["module"]) == [
            "fc1: Linear(4 -> 8)", "fc2: Linear(8 -> 1)"]
        # the model's own code (relu in Net.forward) stays open; the parameters are in their layer's box
        assert "ReluBackward0" in {d.get("name") for d in drawn.nodes.values()}
        assert not any(d.get("kind") == "accumulate" for d in drawn.nodes.values())
    assert overlapping(boxes_of(result.forward_layout)) == []
