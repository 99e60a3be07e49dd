"""The graphs as SVG (explorer/graph/svg.py): every node present with its label, hover text and accessible name,
ids unique, the program's names escaped, rings, gradient shading, folded boxes, and labels that fit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np

from explorer.graph.figures import GRAD_BINS, OKABE_ITO, THEMES
from explorer.graph.labels import drawn_label
from explorer.graph.run_layout import graph_layout
from explorer.graph.svg import graph_svg
from explorer.graph.text_size import plain_lines
from explorer.lessons import LESSONS
from explorer.sandbox import run_program
from tests.explorer.graph.test_graph_figures import small_forward
from tests.programs import AFFINE_LOOP

SVG = "{http://www.w3.org/2000/svg}"


def parsed(text: str) -> ET.Element:
    return ET.fromstring(text)  # also: the text is well-formed XML


def nodes(svg: ET.Element) -> dict[str, ET.Element]:
    found = {}
    for g in svg.iter(f"{SVG}g"):
        if "node" in (g.get("class") or "").split():
            assert g.get("data-node") not in found, f"node id {g.get('data-node')} twice"
            found[g.get("data-node")] = g
    return found


def label_lines(g: ET.Element) -> list[str]:
    text = g.find(f"{SVG}text[@class='label']")
    return [] if text is None else [span.text or "" for span in text.findall(f"{SVG}tspan")]


def test_every_node_is_drawn_once_with_its_label_title_and_accessible_name():
    g = small_forward()
    layout = graph_layout(g)
    svg = parsed(graph_svg(g, layout))
    drawn = nodes(svg)
    assert set(drawn) == set(layout.graph.nodes)
    for node, element in drawn.items():
        assert element.get("tabindex") == "0" and element.get("role") == "button"
        assert element.get("aria-label") and element.get("aria-pressed") == "false"
        assert element.find(f"{SVG}title").text
        assert label_lines(element) == plain_lines(drawn_label(layout.graph, node, saved=layout.extras["saved"]))
    assert drawn["t1"].get("aria-label") == "w, (2,) float32 — leaf tensor that requires grad"
    hover = drawn["t1"].find(f"{SVG}title").text
    assert hover.startswith("w  leaf tensor that requires grad\nshape (2,), dtype float32, requires_grad=True")
    assert "value: [1., 2.]" in hover and "grad: [3., 4.]" in hover
    assert "forward: result = self * other" in drawn["n1"].find(f"{SVG}title").text
    assert svg.get("aria-label").startswith("Forward graph") and svg.get("data-view") == "forward"
    # one arrow per edge, ending in the marker the picture defines
    edges = [p for p in svg.iter(f"{SVG}path") if (p.get("class") or "").startswith("edge")]
    assert len(edges) == g.number_of_edges()
    assert {p.get("marker-end") for p in edges} == {"url(#g-arrow)"}
    assert svg.find(f"{SVG}defs/{SVG}marker").get("id") == "g-arrow"


def test_the_programs_names_are_text_never_markup():
    g = small_forward()
    evil = '<script>alert("x")</script> & <b onmouseover=alert(1)>'
    g.nodes["t1"]["name"] = g.nodes["t1"]["label"] = evil
    g.nodes["n1"]["attrs"] = {"note": "</title><script>alert(2)</script>"}
    text = graph_svg(g, title="<img src=x onerror=alert(3)>", ident='x"><script>')
    svg = parsed(text)
    assert not list(svg.iter(f"{SVG}script")) and not list(svg.iter("script")) and "<script" not in text
    assert not any(e.tag.endswith(("img", "b")) for e in svg.iter())
    drawn = nodes(svg)
    assert label_lines(drawn["t1"])[0] == evil  # shown as the very characters the program used
    assert drawn["t1"].find(f"{SVG}title").text.startswith(evil)
    assert drawn["t1"].get("aria-label").startswith(evil)
    hover = drawn["n1"].find(f"{SVG}title").text
    assert "</title><script>alert(2)</script>" in hover
    assert svg.get("aria-label") == "<img src=x onerror=alert(3)>"
    assert svg.find(f"{SVG}defs/{SVG}marker").get("id") == "xscript-arrow"
    # a module call folded into a box named by its attribute, which is the program's text too
    g.nodes["n1"]["module"] = {"path": "fc<1>", "kind": "Linear", "settings": "in_features=4, out_features=8"}
    text = graph_svg(g)
    boxes = [e for e in nodes(parsed(text)).values() if e.get("data-kind") == "module"]
    assert len(boxes) == 1 and label_lines(boxes[0]) == ["fc<1>: Linear(4 -> 8)"]
    assert boxes[0].get("data-node") == "module:fc<1>#1" and "<1>" not in text


def test_rings_marks_and_gradients():
    g = small_forward()
    layout = graph_layout(g)
    edge_grads = {("t1", "n1"): np.array([3.0, 4.0]), ("n1", "t3"): np.array([0.1, 0.1])}
    text = graph_svg(g, layout, highlight="n1", linked=["t2"], found=["t3", "t3"],
                     node_gradients={"t1": np.array([3.0, 4.0])}, edge_gradients=edge_grads)
    svg = parsed(text)
    drawn = nodes(svg)
    assert [n for n, e in drawn.items() if e.find(f"{SVG}circle[@class='highlight']") is not None] == ["n1"]
    assert drawn["n1"].get("aria-pressed") == "true" and svg.get("data-highlight") == "n1"
    assert [n for n, e in drawn.items() if e.find(f"{SVG}circle[@class='linked']") is not None] == ["t2"]
    assert [n for n, e in drawn.items() if len(e.findall(f"{SVG}circle[@class='found']")) == 1] == ["t3"]
    bold = [p for p in svg.iter(f"{SVG}path") if p.get("class") == "highlight-edge"]
    assert len(bold) == 3 and {p.get("stroke") for p in bold} == {OKABE_ITO["vermillion"]}
    shaded = {p.get("stroke"): float(p.get("stroke-width")) for p in svg.iter(f"{SVG}path")
              if "grad" in (p.get("class") or "").split()}
    assert set(shaded) == {GRAD_BINS[-1], GRAD_BINS[0]} and shaded[GRAD_BINS[-1]] > shaded[GRAD_BINS[0]]
    marker = drawn["t1"].find(f"{SVG}path[@class='marker']")
    assert float(marker.get("stroke-width")) == 8.0 and marker.get("stroke") == GRAD_BINS[-1]
    assert "gradient here: [3., 4.]" in drawn["t1"].find(f"{SVG}title").text
    legend = ["".join(e.itertext()) for e in svg.iter(f"{SVG}g") if e.get("class") == "legend-grad"]
    assert len(legend) == 2 and all(name.startswith("gradient size ≤") for name in legend)


def test_dark_theme_and_chinese():
    svg = parsed(graph_svg(small_forward(), theme="dark", lang="zh"))
    assert svg.find(f"{SVG}rect").get("fill") == "#0e1117"
    label = svg.find(f".//{SVG}text[@class='label']")
    assert label.get("fill") == THEMES["dark"]["text"]
    assert svg.get("aria-label").startswith("前向计算图")


def test_a_repeated_input_selects_the_input_and_a_folded_loop_is_one_node():
    result = run_program(AFFINE_LOOP.replace("range(100)", "range(20)"), isolated=False)
    layout = result.forward_layout
    loop = next(n for n, d in layout.graph.nodes(data=True) if d.get("kind") == "loop")
    inside = next(m for m in layout.graph.nodes[loop]["members"] if result.forward_graph.nodes[m].get("kind") == "op")
    svg = parsed(graph_svg(result.forward_graph, layout, highlight=inside))
    drawn = nodes(svg)
    assert set(drawn) == set(result.forward_layout.graph.nodes)
    loops = [n for n, e in drawn.items() if e.get("data-kind") == "loop"]
    assert len(loops) == 1 and label_lines(drawn[loops[0]])[0].startswith("×20 loop")
    # a step inside the folded loop rings the loop
    assert drawn[loops[0]].find(f"{SVG}circle[@class='highlight']") is not None
    for node, element in drawn.items():
        copy_of = result.forward_layout.graph.nodes[node].get("copy_of")
        assert element.get("data-select") == str(copy_of if copy_of is not None else node)


def _boxes(svg: ET.Element, layout) -> list[tuple[str, float, float, float, float]]:
    """Each label's box in the picture's pixels, from the label's anchor and its laid-out size."""
    from explorer.graph.labels import label_size

    out = []
    for node, element in nodes(svg).items():
        text = element.find(f"{SVG}text[@class='label']")
        if text is None:
            continue
        x = float(element.get("data-x")) + float(text.find(f"{SVG}tspan").get("x"))
        y = float(element.get("data-y"))
        w, h = label_size(layout.graph, node, saved=layout.extras["saved"])
        out.append((node, x, y - h / 2, x + w, y + h / 2))
    return out


def test_every_lessons_labels_fit_in_the_picture_and_never_overlap():
    """The browser tests measure the drawn text (tests/browser/test_graph_labels.py); here the room the layout
    gave each label, where the SVG puts it: inside the picture, apart from the others."""
    for lesson in LESSONS:
        result = run_program(lesson.code, isolated=False)
        for graph, layout in ((result.forward_graph, result.forward_layout),
                              (result.backward_graph, result.backward_layout)):
            if graph is None or layout is None:
                continue
            svg = parsed(graph_svg(graph, layout))
            width, height = float(svg.get("width")), float(svg.get("height"))
            boxes = _boxes(svg, layout)
            assert boxes, lesson.key
            for node, x0, y0, x1, y1 in boxes:
                assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, (lesson.key, node)
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    apart = min(a[3], b[3]) - max(a[1], b[1]) <= 0 or min(a[4], b[4]) - max(a[2], b[2]) <= 0
                    assert apart, (lesson.key, a[0], b[0])


def test_an_empty_graph_and_a_graph_without_layout_draw():
    assert parsed(graph_svg(nx.DiGraph())).get("width") is not None
    assert len(nodes(parsed(graph_svg(small_forward())))) == 4
