"""The app in a real browser: every page loads, a typed program runs, a requires_grad box reruns it, a
backward pass steps, the descent slider moves; screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from explorer.lessons import LESSON_BY_KEY
from explorer.ui.link import AppState, encode_query
from tests.browser.graph_boxes import node_point

pytestmark = pytest.mark.slow

TYPED = """import torch
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = (a * a).sum()
b.backward()
print(a.grad)
"""


def expect():
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=60_000)
    return playwright_expect


def open_page(page, server, path: str = "", params: dict | None = None):
    query = urlencode(params or {})
    page.goto(f"{server.url}/{path}" + (f"?{query}" if query else ""))
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    expect()(page.locator("h1").first).to_be_visible()
    wait_idle(page)


def wait_idle(page):
    """Until Streamlit has finished the rerun: no 'running' status widget and every chart drawn."""
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(500)


def output_text(page) -> str:
    return page.locator("pre.text-block").first.inner_text()


@pytest.mark.parametrize("path, title", [("", "Playground"), ("step_through", "Backward step-through"),
                                         ("descent", "Descent demo"), ("lessons", "Lessons")])
def test_each_page_loads(page, server, screenshots, path, title):
    open_page(page, server, path)
    expect()(page.locator("h1").first).to_have_text(title)
    if path in ("", "step_through"):  # the graphs are SVG (explorer/graph/svg.py)
        expect()(page.locator("svg.autograd-graph g.node").first).to_be_visible()
    if path == "descent":
        expect()(page.locator("[data-testid='stPlotlyChart']").first).to_be_visible()
        page.wait_for_selector(".js-plotly-plot .main-svg")
    page.screenshot(path=str(screenshots / f"page_{path or 'playground'}.png"), full_page=True)


def run_typed_program(page, server):
    """Open the playground, type TYPED, run it and wait for its output; returns the editor."""
    open_page(page, server)
    editor = page.locator("[data-testid='stTextArea'] textarea")
    editor.fill(TYPED)
    editor.press("Control+Enter")
    expect()(page.locator("pre.text-block").first).to_contain_text("tensor([2., 4., 6.])")
    return editor


def test_typing_a_program_and_toggling_requires_grad(page, server, screenshots):
    editor = run_typed_program(page, server)
    wait_idle(page)
    page.screenshot(path=str(screenshots / "typed_program.png"), full_page=True)
    box = page.locator("[data-testid='stCheckbox']", has_text="a.requires_grad")
    expect()(box.locator("input")).to_be_checked()
    box.locator("label").click()
    # a without requires_grad: PyTorch's error next to the editor, the program still in it
    error = page.locator(".program-error")
    expect()(error).to_contain_text("does not require grad")
    expect()(error).to_have_attribute("role", "alert")
    wait_idle(page)
    assert editor.input_value() == TYPED
    assert "rg=a%3A0" in page.url or "rg=a:0" in page.url
    page.screenshot(path=str(screenshots / "requires_grad_unticked.png"), full_page=True)
    box.locator("label").click()
    expect()(page.locator("pre.text-block").first).to_contain_text("tensor([2., 4., 6.])")


def test_language_switch_keeps_the_typed_program(page, server, screenshots):
    editor = run_typed_program(page, server)
    page.get_by_text("中文").click()
    expect()(page.locator("h1").first).to_have_text("试验场")
    wait_idle(page)
    assert editor.input_value() == TYPED
    page.screenshot(path=str(screenshots / "playground_zh.png"), full_page=True)


def test_stepping_a_backward_pass(page, server, screenshots):
    state = AppState(program=LESSON_BY_KEY["one_layer"].code, page="step_through")
    open_page(page, server, "step_through", encode_query(state))
    frame = page.locator("pre.text-block").first
    expect()(frame).to_contain_text("Step 1/6")
    page.get_by_role("button", name=re.compile("Next")).click()
    expect()(frame).to_contain_text("Step 2/6: AddBackward0 runs")
    page.get_by_role("button", name=re.compile("Next")).click()
    expect()(frame).to_contain_text("Step 3/6: AccumulateGrad for b")
    wait_idle(page)
    assert "step=2" in page.url
    page.screenshot(path=str(screenshots / "step_through_step3.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Previous")).click()
    expect()(frame).to_contain_text("Step 2/6")
    # a click on a node of the step's graph goes to the step where it runs, and rings it
    wait_idle(page)
    node = page.locator("svg.autograd-graph g.node[aria-label^='AccumulateGrad, w']")
    node.click()
    expect()(frame).to_contain_text("Step 6/6: AccumulateGrad for w")
    expect()(page.locator("svg.autograd-graph g.node[aria-label^='AccumulateGrad, w']")).to_have_attribute(
        "aria-pressed", "true")


def test_moving_the_descent_slider(page, server, screenshots):
    open_page(page, server, "descent")
    ends = page.locator("[data-testid='stMarkdown']", has_text="True gradient ends at")
    expect()(ends).to_contain_text("0.333333 -0.333333")
    handle = page.get_by_role("slider").first
    handle.focus()
    page.keyboard.press("Home")
    expect()(ends).to_contain_text("0.500000 -0.500000")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect()(handle).to_have_value("3")
    # three SGD steps from (0.5, -0.5) with lr 0.1 have moved the point
    expect()(ends).not_to_contain_text("0.500000 -0.500000")
    assert "(l = 1.33333)" not in ends.inner_text()
    page.screenshot(path=str(screenshots / "descent_slider.png"), full_page=True)


def test_dark_theme_follows_the_browser(browser, server, screenshots):
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_page(page, server, "step_through")
        page.wait_for_selector("svg.autograd-graph g.node")
        background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert background == "rgb(14, 17, 23)"
        # the graph is drawn on the page's own background, its labels light
        assert page.evaluate("document.querySelector('svg.autograd-graph').dataset.theme") == "dark"
        assert page.locator("svg.autograd-graph text.label").first.get_attribute("fill") == "#f2f2f2"
        page.screenshot(path=str(screenshots / "step_through_dark.png"), full_page=True)
    finally:
        context.close()


def test_clicking_a_node_shows_its_details(page, server, screenshots):
    open_page(page, server)
    page.wait_for_selector("svg.autograd-graph g.node")
    point = node_point(page, "w(5, 3)")
    page.mouse.click(point["x"], point["y"])
    details = page.locator("pre.text-block", has_text="leaf tensor that requires grad")
    expect()(details).to_contain_text("w  (5, 3) float32")
    wait_idle(page)
    # w's value and its .grad (five equal rows: x is all ones) are listed under the graph
    texts = [c.text_content() for c in page.locator("pre.text-block").all()]
    assert any(text.count("[0.2661, 0.1179, 0.0027]") == 5 for text in texts)
    page.screenshot(path=str(screenshots / "node_clicked.png"), full_page=True)


def focused_node(page) -> str | None:
    return page.evaluate("document.activeElement && document.activeElement.getAttribute('data-node')")


def test_the_graph_by_keyboard_and_by_click(page, server, screenshots):
    """A screen-reader or keyboard user reaches the nodes with Tab, moves with the arrow keys and selects with
    Enter; the selection is ringed, its details shown, and the focus stays on the node after the redraw."""
    open_page(page, server)
    graph = page.locator("svg.autograd-graph")
    nodes = graph.locator("g.node")
    expect()(nodes.first).to_be_visible()
    assert nodes.count() == 12
    names = [nodes.nth(k).get_attribute("aria-label") for k in range(nodes.count())]
    assert "w, (5, 3) float32 — leaf tensor that requires grad" in names
    assert all(nodes.nth(k).get_attribute("tabindex") == "0" for k in range(nodes.count()))
    # Tab from the search box reaches the graph's save button, then its nodes
    page.get_by_role("textbox", name="Find a node").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ag-save"
    page.keyboard.press("Tab")
    assert focused_node(page) is not None
    w = page.locator("svg.autograd-graph g.node[aria-label^='w,']")
    w.focus()
    assert focused_node(page) == w.get_attribute("data-node")
    page.keyboard.press("ArrowDown")  # w feeds MmBackward0, drawn under it
    below = focused_node(page)
    assert graph.locator(f"g.node[data-node='{below}']").get_attribute("aria-label").startswith("MmBackward0")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")  # x is left of w
    assert graph.locator(f"g.node[data-node='{focused_node(page)}']").get_attribute("aria-label").startswith("x,")
    page.keyboard.press("ArrowRight")
    assert focused_node(page) == w.get_attribute("data-node")
    page.keyboard.press("Enter")
    details = page.locator("pre.text-block", has_text="leaf tensor that requires grad")
    expect()(details).to_contain_text("w  (5, 3) float32")
    wait_idle(page)
    expect()(w).to_have_attribute("aria-pressed", "true")
    expect()(w.locator("circle.highlight")).to_have_count(1)
    assert focused_node(page) == w.get_attribute("data-node")  # the redrawn graph kept the focus
    page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    expect()(page.locator("pre.text-block", has_text="operation").first).to_contain_text("MmBackward0")
    wait_idle(page)
    page.screenshot(path=str(screenshots / "graph_keyboard.png"), full_page=True)
    # the node picker follows; a click on a label selects its node too
    expect()(page.get_by_role("combobox", name=re.compile("Node details"))).to_have_value("MmBackward0")
    graph.locator("g.node[aria-label^='b,'] text.label").click()
    expect()(page.locator("pre.text-block", has_text="b  (3,) float32").first).to_be_visible()


def test_menu_switches_to_the_dark_theme(page, server, screenshots):
    open_page(page, server, "descent")
    page.locator("[data-testid='stMainMenu']").click()
    page.get_by_role("menuitemradio", name="Dark").click()
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.stApp')).backgroundColor === 'rgb(14, 17, 23)'")
    page.keyboard.press("Escape")
    wait_idle(page)
    page.screenshot(path=str(screenshots / "descent_dark.png"), full_page=True)


SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def paste(page, server, text: str):
    open_page(page, server)
    editor = page.locator("[data-testid='stTextArea'] textarea")
    editor.fill(text)
    editor.press("Control+Enter")
    wait_idle(page)
    return editor


def test_a_pasted_notebook_shows_what_jupyter_shows_and_runs_past_a_cell_that_raised(page, server, screenshots):
    paste(page, server, (SEEDS / "004_63cfa8fed590c734.txt").read_text(encoding="utf-8"))
    alert = page.locator("[data-testid='stHtml']", has_text="A cell raised an error at line 61")
    expect()(alert).to_contain_text("only Tensors of floating point and complex dtype can require gradients")
    # the cell's error where it happened, in a notebook's stderr style, then the cells after it
    error = page.locator(".program-stderr.error")
    expect()(error).to_contain_text("line 61: RuntimeError: only Tensors of floating point")
    output = page.locator("pre.text-block", has_text="0.333333 -0.333333")
    expect()(output).to_contain_text("True")
    assert error.bounding_box()["y"] < output.bounding_box()["y"]
    text = output.inner_text()
    # after the cell that raised: autograd.grad, the norm, and both descents (with and without detach())
    for shown in ("(tensor([2., 4., 8.]), tensor([0.1000, 0.0500]))", "grad_fn=<LinalgVectorNormBackward0>",
                  "((<AbsBackward0 at 0x", "1.000000 -0.000000"):
        assert shown in text
    page.screenshot(path=str(screenshots / "notebook_004_cell_error.png"), full_page=True)


def test_the_jacobian_of_a_pasted_notebooks_backward_v_cell(page, server, screenshots):
    paste(page, server, (SEEDS / "001_cf69b824ebcb2bd1.txt").read_text(encoding="utf-8"))
    output = page.locator("pre.text-block", has_text="Call after zeroing gradients")
    expect()(output).to_be_visible()
    # the last value of the SGD cell (b.grad.zero_()) is shown; the inp.grad.zero_() in mid-cell is not
    assert "tensor([0., 0., 0.])" in output.inner_text()
    assert "[0., 0., 0., 0., 0.]" not in output.inner_text()
    page.get_by_role("link", name=re.compile("step-through", re.I)).first.click()
    wait_idle(page)
    for option, verdict in ((1, "vᵀJ equals .grad"), (2, ".grad is 2 × vᵀJ"), (3, "vᵀJ equals .grad")):
        page.locator("[data-testid='stSelectbox']").first.click()
        page.get_by_role("option").nth(option).click()
        wait_idle(page)
        expect()(page.locator(".js-plotly-plot .gtitle", has_text=verdict).first).to_be_visible()
    page.screenshot(path=str(screenshots / "notebook_001_jacobian.png"), full_page=True)
