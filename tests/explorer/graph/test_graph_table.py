"""A graph as tables (explorer/graph/table.py) and their HTML (explorer/ui/graph_table.py): rows, names, values,
gradients, sort keys and the summary a screen reader reads, from real runs of the lessons."""

from __future__ import annotations

import re

import pytest

from explorer.graph.table import NO_SIZE, GraphTable, NodeRow, pass_table, sort_key, view_table
from explorer.lessons import LESSON_BY_KEY
from explorer.sandbox import run_program
from explorer.ui.graph_table import table_html


@pytest.fixture(scope="module")
def one_layer():
    return run_program(LESSON_BY_KEY["one_layer"].code, isolated=False)


def by_name(table: GraphTable) -> dict[str, NodeRow]:
    return {row.name: row for row in table.nodes}


def test_forward_rows_name_tensors_by_variable_and_carry_values_and_gradients(one_layer):
    table = view_table(one_layer, "forward")
    rows = by_name(table)
    assert {"x", "y", "w", "b", "z", "loss", "MmBackward0", "AddBackward0"} <= set(rows)
    assert table.node_count == len(table.nodes) == 12 and table.edge_count == len(table.edges) == 11
    b, w, x, loss = rows["b"], rows["w"], rows["x"], rows["loss"]
    assert (b.kind, b.shape, b.dtype, b.requires_grad) == ("leaf tensor that requires grad", "(3,)", "float32", "True")
    assert b.value == "[0.1227, -0.5663, 0.3731]" and b.gradient == "[0.2661, 0.1179, 0.0027]"
    assert x.requires_grad == "False" and x.gradient == "" and x.gradient_size == NO_SIZE
    assert loss.shape == "()" and loss.value == "0.6819" and loss.gradient == "1."
    # a value over SMALL elements is summarised (w is 5x3), as the views summarise big values
    assert w.value.startswith("shape (5, 3), min -2.1788, max 1.5410") and w.gradient.startswith("shape (5, 3)")
    assert w.size == 15 and w.gradient_size == pytest.approx(0.168047, abs=1e-5)
    assert rows["AddBackward0"].requires_grad == "" and rows["AddBackward0"].value == ""


def test_forward_edges_say_which_input_they_are(one_layer):
    edges = {(e.source, e.target): e for e in view_table(one_layer, "forward").edges}
    assert edges[("x", "MmBackward0")].input == 0 and edges[("w", "MmBackward0")].input == 1
    assert edges[("b", "AddBackward0")].input == 1
    assert edges[("b", "AddBackward0")].gradient == "[0.2661, 0.1179, 0.0027]"
    assert edges[("AddBackward0", "z")].input == 0


def test_backward_rows_name_accumulate_grad_by_its_leaf(one_layer):
    table = view_table(one_layer, "backward")
    rows = by_name(table)
    assert rows["AccumulateGrad (w)"].kind == "AccumulateGrad: adds into .grad"
    assert rows["AccumulateGrad (b)"].gradient == "[0.2661, 0.1179, 0.0027]"
    assert rows["MmBackward0"].kind == "backward function (grad_fn)" and rows["MmBackward0"].shape == "(1, 3)"
    edges = {(e.source, e.target) for e in table.edges}
    assert ("AddBackward0", "AccumulateGrad (b)") in edges and ("MmBackward0", "None") in edges
    assert table.summary == "Backward graph: 8 nodes, 7 edges. Loss: loss = 0.6819. Gradients reach the leaves w, b."


def test_summary_counts_the_nodes_and_names_the_loss_and_the_leaves(one_layer):
    assert view_table(one_layer, "forward").summary == (
        "Forward graph: 12 nodes, 11 edges. Loss: loss = 0.6819. Gradients reach the leaves w, b.")
    zh = view_table(one_layer, "forward", "zh")
    assert zh.summary == "前向图：12 个节点，11 条边。损失：loss = 0.6819。梯度到达叶子 w, b。"
    assert by_name(zh)["b"].kind == "需要梯度的叶子张量"


def test_pass_table_has_the_gradients_that_have_flowed_by_the_step(one_layer):
    first = pass_table(one_layer, 0, 0)
    rows = by_name(first)
    assert rows["BinaryCrossEntropyWithLogitsBackward0"].gradient == "1."
    assert rows["AddBackward0"].gradient == ""  # not run yet
    assert first.summary.endswith("No leaf gets a gradient yet.")
    last = pass_table(one_layer, 0, 5)
    assert by_name(last)["AccumulateGrad (w)"].gradient.startswith("shape (5, 3)")
    assert last.summary == ("The backward pass at this step: 8 nodes, 7 edges. Loss: loss = 0.6819. "
                            "Gradients reach the leaves w, b.")


def test_a_big_graph_lists_its_first_rows_and_says_how_many_there_are(one_layer):
    table = view_table(one_layer, "forward", limit=3)
    assert len(table.nodes) == 3 and table.node_count == 12 and len(table.edges) == 3
    assert "The first 3 of 12 rows." in table_html(table, "t", "en")


def test_sort_keys_sort_numbers_by_size_and_leave_text_to_the_browser(one_layer):
    rows = by_name(view_table(one_layer, "forward"))
    assert sort_key(rows["w"], "shape") == 15 and sort_key(rows["loss"], "shape") == 1
    assert sort_key(rows["loss"], "value") == pytest.approx(0.681851, abs=1e-5)
    assert sort_key(rows["x"], "gradient") == NO_SIZE
    assert sort_key(rows["w"], "name") is None and sort_key(rows["w"], "kind") is None
    by_gradient = sorted(rows.values(), key=lambda r: sort_key(r, "gradient"), reverse=True)
    assert by_gradient[0].name in ("loss", "BinaryCrossEntropyWithLogitsBackward0")


def test_table_html_has_a_sort_button_per_column_escaped_text_and_no_empty_columns(one_layer):
    text = table_html(view_table(one_layer, "backward"), "table-backward", "en")
    assert text.count("<table") == 2 and "<caption>Nodes (8)</caption>" in text and "Edges (7)" in text
    headers = re.findall(r'<th scope="col"><button type="button" data-agx-sort="(\w+)">([^<]+)</button>', text)
    node_headers = headers[: len(headers) - 4]
    # a backward graph has no values and no requires_grad: those columns are left out
    assert [h for _, h in node_headers] == ["Name", "Kind", "Shape", "dtype", "Gradient", "Id"]
    assert dict((h, kind) for kind, h in node_headers)["Shape"] == "number"
    assert dict((h, kind) for kind, h in node_headers)["Name"] == "text"
    assert [h for _, h in headers[-4:]] == ["From", "To", "Input", "Gradient"]
    assert '<th scope="row" >' not in text and '<th scope="row">AccumulateGrad (w)</th>' in text
    row = NodeRow("n1", "<b>x</b>", "leaf", "(1,)", "float32", "1.", "", "True", 0, 1, 1.0, NO_SIZE)
    table = GraphTable((row,), (), 1, 0, "s")
    assert "&lt;b&gt;x&lt;/b&gt;" in table_html(table, "k", "en") and "<b>x</b>" not in table_html(table, "k", "en")
    zh = table_html(view_table(one_layer, "forward", "zh"), "t", "zh")
    assert "节点（12 个）" in zh and 'data-ascending="升序"' in zh
