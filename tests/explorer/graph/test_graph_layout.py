"""Layout properties on hand-made graphs shaped like the engine's forward and backward exports."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.graph.layout import (
    COLLAPSED_IN,
    COLLAPSED_OUT,
    layered_layout,
    limit_to_nearest,
    natural_key,
)


def forward_shaped(steps: int) -> nx.DiGraph:
    """x_{k+1} = x_k * w + b as a forward export: tensor -> op -> tensor, w and b reused every step."""
    g = nx.DiGraph()
    g.add_node("t0", kind="leaf")
    g.add_node("t1", kind="leaf")
    g.add_node("t2", kind="constant")
    current, tid, seq = "t2", 3, 0
    for _ in range(steps):
        mul, add = f"n{seq}", f"n{seq + 1}"
        seq += 2
        g.add_node(mul, kind="op")
        g.add_node(add, kind="op")
        mid, out = f"t{tid}", f"t{tid + 1}"
        tid += 2
        g.add_node(mid, kind="intermediate")
        g.add_node(out, kind="intermediate")
        g.add_edges_from([(current, mul), ("t0", mul), (mul, mid), (mid, add), ("t1", add), (add, out)])
        current = out
    g.nodes[current]["kind"] = "output"
    return g


def bce_backward_shaped() -> nx.DiGraph:
    """The shape of PyTorch's backward graph of the seeds' BCE network."""
    g = nx.DiGraph(roots=["n5"])
    g.add_edges_from([("n5", "n4"), ("n5", "none:n5:1"), ("n4", "n3"), ("n4", "n1"), ("n3", "n2"),
                      ("n2", "none:n2:0"), ("n2", "n0")])
    return g


def random_dag(n: int, p: float, seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    g = nx.DiGraph()
    g.add_nodes_from(f"v{i}" for i in range(n))
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() < p:
            g.add_edge(f"v{i}", f"v{j}")
    return g


SAMPLES = [forward_shaped(3), forward_shaped(12), bce_backward_shaped(), random_dag(30, 0.12, 1),
           random_dag(60, 0.05, 2), random_dag(12, 0.4, 3)]


def segment_crossings(layout) -> int:
    """Geometric count of proper crossings between edge segments: independent of the layout's own count."""
    segments = []
    for path in layout.edge_paths.values():
        segments.extend(itertools.pairwise(path))

    def orient(a, b, c):
        v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (v > 1e-12) - (v < -1e-12)

    count = 0
    for (p1, p2), (q1, q2) in itertools.combinations(segments, 2):
        if {p1, p2} & {q1, q2}:
            continue  # segments sharing an end point touch, they do not cross
        if (orient(p1, p2, q1) * orient(p1, p2, q2) < 0) and (orient(q1, q2, p1) * orient(q1, q2, p2) < 0):
            count += 1
    return count


@pytest.mark.parametrize("graph", SAMPLES)
def test_every_edge_points_down_across_layers(graph):
    layout = layered_layout(graph)
    for u, v in graph.edges:
        assert layout.layer_of[u] < layout.layer_of[v]
        assert layout.positions[u][1] > layout.positions[v][1]  # TB: layer 0 on top


@pytest.mark.parametrize("graph", SAMPLES)
def test_no_two_nodes_share_a_place(graph):
    layout = layered_layout(graph)
    places = list(layout.positions.values())
    assert len(places) == layout.graph.number_of_nodes() >= graph.number_of_nodes()
    assert len(set(places)) == len(places)
    assert set(graph.nodes) <= set(layout.positions)


@pytest.mark.parametrize("graph", SAMPLES)
def test_same_graph_any_insertion_order_gives_same_picture(graph):
    shuffled = nx.DiGraph()
    shuffled.graph.update(graph.graph)
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    random.Random(7).shuffle(nodes)
    random.Random(8).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    first, second = layered_layout(graph), layered_layout(shuffled)
    assert first.positions == second.positions
    assert first.edge_paths == second.edge_paths
    assert layered_layout(graph).positions == first.positions


@pytest.mark.parametrize("graph", SAMPLES)
def test_crossings_no_worse_than_naive_order(graph):
    reduced = layered_layout(graph)
    naive = layered_layout(graph, sweeps=0)
    assert reduced.crossings <= reduced.naive_crossings == naive.crossings
    assert segment_crossings(reduced) <= segment_crossings(naive)


def test_crossing_reduction_untangles_a_twisted_bipartite_graph():
    g = nx.DiGraph()
    # naive order a0..a3 over b0..b3 with edges reversed: every pair crosses (6 crossings)
    g.add_edges_from((f"a{i}", f"b{3 - i}") for i in range(4))
    layout = layered_layout(g)
    assert layout.naive_crossings == 6
    assert layout.crossings == 0
    assert segment_crossings(layout) == 0


def test_long_edges_bend_through_intermediate_layers():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")])
    layout = layered_layout(g)
    path = layout.edge_paths[("a", "d")]
    assert len(path) == 4  # two bend points, one in each skipped layer
    assert [round(y) for _, y in path] == [0, -1, -2, -3]
    assert path[1] not in layout.positions.values()


def test_inputs_sit_just_above_their_first_consumer():
    g = forward_shaped(4)
    layout = layered_layout(g)
    assert layout.layer_of["t2"] == 0
    assert layout.layer_of["t0"] == layout.layer_of["n0"] - 1


def test_left_to_right_direction_puts_layers_on_x():
    g = bce_backward_shaped()
    layout = layered_layout(g, direction="LR")
    for u, v in g.edges:
        assert layout.positions[u][0] < layout.positions[v][0]


def test_natural_key_orders_numbers_numerically():
    assert sorted(["n10", "n2", "t1", "n1"], key=natural_key) == ["n1", "n2", "n10", "t1"]


def test_big_graph_is_limited_with_a_notice_and_keeps_the_root():
    g = forward_shaped(600)  # 2,403 nodes
    layout = layered_layout(g, max_nodes=300)
    real = [n for n, d in layout.graph.nodes(data=True) if d["kind"] != "collapsed" and "copy_of" not in d]
    assert len(real) == 300
    assert layout.hidden == g.number_of_nodes() - 300
    # the cut is marked: hidden steps feed the kept part through a placeholder at the top, and the
    # weights w, b (kept, next to the output) feed hidden steps through one at the bottom
    placeholders = {n for n, d in layout.graph.nodes(data=True) if d["kind"] == "collapsed"}
    assert placeholders == {COLLAPSED_IN, COLLAPSED_OUT}
    assert layout.graph.nodes[COLLAPSED_IN]["hidden"] == 2103
    assert layout.layer_of[COLLAPSED_IN] == 0
    assert set(layout.graph.predecessors(COLLAPSED_OUT)) == {"t0", "t1"}
    assert nx.is_directed_acyclic_graph(layout.graph)
    assert "2,103" in layout.notice_text("en") and "2,103" in layout.notice_text("zh")
    root = next(n for n, d in g.nodes(data=True) if d["kind"] == "output")
    assert root in layout.positions
    # what is kept is the neighbourhood of the output: the first steps of the loop are gone
    assert "n0" not in layout.positions


def test_limit_to_nearest_is_a_no_op_for_small_graphs():
    g = bce_backward_shaped()
    same, hidden = limit_to_nearest(g, 100)
    assert same is g and hidden == 0


def test_two_thousand_node_loop_is_laid_out_whole():
    g = forward_shaped(500)
    layout = layered_layout(g)
    assert g.number_of_nodes() == 2003 and set(g.nodes) <= set(layout.positions)
    assert layout.notice is None
    assert len(set(layout.positions.values())) == len(layout.positions)


def test_a_weight_read_by_every_step_is_repeated_beside_far_readers():
    g = forward_shaped(12)
    layout = layered_layout(g)
    copies = {n: d["copy_of"] for n, d in layout.graph.nodes(data=True) if "copy_of" in d}
    assert set(copies.values()) == {"t0", "t1"}
    for copy, original in copies.items():
        (reader,) = layout.graph.successors(copy)
        assert g.has_edge(original, reader) and not layout.graph.has_edge(original, reader)
        assert layout.layer_of[copy] == layout.layer_of[reader] - 1
    # every original edge is drawn exactly once, from the input or from one of its copies
    drawn = {(copies.get(u, u), v) for u, v in layout.graph.edges}
    assert drawn == set(g.edges)
    # the chain of steps then runs straight down: the ops of the loop stay in one column
    xs = [layout.positions[f"n{k}"][0] for k in range(6, 24)]  # past the first reads of w, b
    assert max(xs) - min(xs) < 1.0  # a third of the gap between neighbours
    assert layered_layout(g, repeat_span=None).graph is g


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.floats(0.02, 0.5), st.integers(0, 10_000))
def test_layout_properties_hold_on_random_dags(n, p, seed):
    g = random_dag(n, p, seed)
    layout = layered_layout(g)
    for u, v in g.edges:
        assert layout.layer_of[u] < layout.layer_of[v]
    places = list(layout.positions.values())
    assert len(set(places)) == len(places)
    assert layout.crossings <= layout.naive_crossings
    assert layered_layout(g).positions == layout.positions
