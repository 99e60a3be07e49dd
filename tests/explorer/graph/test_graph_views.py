"""What the Playground shows of a run's graph: the clicked node, and a node's details."""

from __future__ import annotations

from explorer.graph.views import node_details, selected_node
from explorer.sandbox import run_program


def run(source, overrides=None):
    return run_program(source, requires_grad_overrides=overrides, isolated=False)


def test_selected_node_reads_the_plotly_event():
    event = {"selection": {"points": [{"customdata": "n3", "x": 1, "y": 2}], "point_indices": [0]}}
    assert selected_node(event, ["n3", "t1"]) == "n3"
    assert selected_node({"selection": {"points": [{"customdata": ["t1"]}]}}, ["n3", "t1"]) == "t1"
    assert selected_node({"selection": {"points": []}}, ["n3"]) is None
    assert selected_node(None, ["n3"]) is None


def test_node_details_of_a_leaf_and_an_op():
    result = run("import torch\nx = torch.tensor([1., 2.], requires_grad=True)\n"
                 "y = (x * 3).sum()\ny.backward()\n")
    graph = result.forward_graph
    leaf = next(n for n, d in graph.nodes(data=True) if d.get("name") == "x")
    rows = dict(node_details(result, "forward", leaf))
    assert rows["value"] == "[1., 2.]" and rows[".grad"] == "[3., 3.]"
    op = next(n for n, d in graph.nodes(data=True) if d.get("name") == "MulBackward0")
    rows = dict(node_details(result, "forward", op))
    assert rows["forward formula"].startswith("result = self")
    assert "gradient in the last backward pass" in rows
