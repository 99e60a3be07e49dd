"""Accessibility through AppTest: every graph's table and summary, the step announced, the presenter view."""

from __future__ import annotations

import html
import re

import pytest

from explorer.lessons import LESSON_BY_KEY
from explorer.ui.link import AppState, decode_query, encode_query
from tests.explorer.ui.app_testing import start

pytestmark = pytest.mark.slow

ONE_LAYER = LESSON_BY_KEY["one_layer"].code


def bodies(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def hidden_texts(at) -> list[str]:
    return [html.unescape(m) for body in bodies(at) for m in re.findall(r'<p class="agx-sr-only">([^<]*)</p>', body)]


def tables(at) -> list[str]:
    return [body for body in bodies(at) if "agx-graph-table" in body and "<table" in body]


def test_the_link_carries_the_presenter_view():
    state = AppState(program=ONE_LAYER, page="step_through", present=True)
    params = encode_query(state)
    assert params["present"] == "1"
    assert decode_query(params).present is True
    assert "present" not in encode_query(AppState())
    assert decode_query({"present": "yes"}).present is False


def test_playground_graph_has_a_summary_and_a_table():
    at = start(AppState(program=ONE_LAYER))
    assert hidden_texts(at) == ["Forward graph: 12 nodes, 11 edges. Loss: loss = 0.6819. Gradients reach the leaves "
                                "w, b."]
    assert [e.label for e in at.expander if e.label == "Graph as a table"] == ["Graph as a table"]
    [table] = tables(at)
    assert "<caption>Nodes (12)</caption>" in table and '<th scope="row">w</th>' in table
    at.radio(key="view_widget").set_value("backward").run()
    assert hidden_texts(at)[0].startswith("Backward graph: 8 nodes, 7 edges.")
    assert '<th scope="row">AccumulateGrad (w)</th>' in tables(at)[0]


def test_both_views_each_get_their_table_in_chinese():
    at = start(AppState(program=ONE_LAYER, lang="zh"))
    at.toggle(key="both_views").set_value(True).run()
    assert [text[:3] for text in hidden_texts(at)] == ["前向图", "反向图"]
    assert len(tables(at)) == 2 and [e.label for e in at.expander].count("以表格查看此图") == 2


def test_step_through_announces_the_step_and_tables_the_pass():
    at = start(AppState(program=ONE_LAYER, page="step_through"))
    said = [re.search(r'data-agx-say="([^"]*)"', b) for b in bodies(at)]
    assert [html.unescape(m.group(1)) for m in said if m] == ["Step 1/6: BinaryCrossEntropyWithLogitsBackward0 runs"]
    assert hidden_texts(at)[0].endswith("No leaf gets a gradient yet.")
    at.button(key="step_last").click().run()
    said = [re.search(r'data-agx-say="([^"]*)"', b) for b in bodies(at)]
    assert next(html.unescape(m.group(1)) for m in said if m).startswith("Step 6/6: AccumulateGrad for w")
    assert hidden_texts(at)[0].endswith("Gradients reach the leaves w, b.")
    assert any("→ next step" in c.value for c in at.caption)


def test_presenter_view_folds_the_editor_and_stays_in_the_link():
    at = start(AppState(program=ONE_LAYER, present=True))
    assert at.toggle(key="present_widget").value is True
    [folded] = [e for e in at.expander if e.label == "Program and leaf tensors"]
    assert folded.text_area(key="program_editor").value == ONE_LAYER
    assert any('class="agx-presenting"' in body and "font-size: 26px" in body for body in bodies(at))
    assert at.query_params["present"] in ("1", ["1"])
    at.toggle(key="present_widget").set_value(False).run()
    assert "present" not in at.query_params
    assert not any('class="agx-presenting"' in body for body in bodies(at))
    assert "Program and leaf tensors" not in [e.label for e in at.expander]
