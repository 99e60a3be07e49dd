"""Accessibility in a real browser: axe-core's WCAG 2.1 A and AA rules on every page (English and Chinese, light
and dark, the presenter view), the graph's table sorted by keyboard, the step-through stepped by keys and
announced, every control reached by Tab with a visible focus ring, and the presenter view at a projector's
1600x900. Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

import pytest

from explorer.lessons import LESSON_BY_KEY
from explorer.text import t
from explorer.ui.link import AppState, encode_query
from tests.browser.test_app_browser import expect, open_page, wait_idle

pytestmark = pytest.mark.slow

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ONE_LAYER = LESSON_BY_KEY["one_layer"].code
JACOBIAN = LESSON_BY_KEY["jacobian"].code
PATHS = {"playground": "", "step_through": "step_through", "descent": "descent", "lessons": "lessons"}
TABLE = {"en": "Graph as a table", "zh": "以表格查看此图"}


def open_state(page, server, state: AppState):
    open_page(page, server, PATHS[state.page], encode_query(state))


def open_tables(page, lang: str):
    """Open every 'Graph as a table' expander, so axe checks the tables too."""
    for summary in page.locator("[data-testid='stExpander'] summary", has_text=TABLE[lang]).all():
        summary.click()
    if page.locator(".agx-graph-table").count():
        expect()(page.locator(".agx-graph-table").first).to_be_visible()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, one line each: rule, impact, where, what is wrong."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}) at {node['target']}: {(node.get('failureSummary') or '')[:300]}"
            for v in results.response["violations"] for node in v["nodes"]]


def go_to(page, title: str):
    """Another page through the sidebar's links (the session goes on: no new load); the presenter view closes
    the sidebar, so it is opened first (its button is what a keyboard user reaches first too)."""
    if page.locator("[data-testid='stSidebar'][data-collapsed='true']").count():
        page.locator("[data-testid='stExpandSidebarButton']").click()
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    expect()(page.locator("h1").first).to_have_text(title)
    wait_idle(page)


GRAPH = "svg.autograd-graph g.node"  # a computation graph (explorer/graph/svg.py)
PLOTLY = ".js-plotly-plot .main-svg"  # the descent's surface and contour


def check(page, screenshots, name: str, lang: str, graph: str | None = GRAPH) -> list[str]:
    """axe's violations on the page as it is now, with every graph's table open; a screenshot of it."""
    if graph:
        page.wait_for_selector(graph)
    open_tables(page, lang)
    wait_idle(page)
    page.screenshot(path=str(screenshots / f"a11y_{name}_{lang}.png"), full_page=True)
    return [f"{name}: {line}" for line in axe_violations(page)]


TITLES = {"en": {"playground": "Playground", "step_through": "Backward step-through", "descent": "Descent demo",
                 "lessons": "Lessons"},
          "zh": {"playground": "试验场", "step_through": "反向传播逐步", "descent": "梯度下降演示", "lessons": "课程"}}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_wcag_violation_on_any_page(page, server, screenshots, lang):
    """Lessons; a lesson opened in the Playground; its step-through with the Jacobian view; the descent demo;
    then the presenter view of the Playground and the step-through. One session, moving as a user does."""
    titles = TITLES[lang]
    open_state(page, server, AppState(page="lessons", lang=lang))
    expect()(page.locator("html")).to_have_attribute("lang", {"en": "en", "zh": "zh-CN"}[lang])
    found = check(page, screenshots, "lessons", lang, graph=None)
    lesson = LESSON_BY_KEY["jacobian"]
    page.locator("[data-testid='stRadio'] label", has_text=lesson.title_in(lang)).click()
    wait_idle(page)
    page.locator(".st-key-open_lesson button").click()
    expect()(page.locator("h1").first).to_have_text(titles["playground"])
    wait_idle(page)
    found += check(page, screenshots, "playground", lang)
    go_to(page, titles["step_through"])
    expect()(page.locator(".js-plotly-plot .gtitle", has_text="vᵀJ").first).to_be_visible()  # the Jacobian view
    found += check(page, screenshots, "step_through_jacobian", lang)
    go_to(page, titles["descent"])
    found += check(page, screenshots, "descent", lang, graph=PLOTLY)
    page.locator(".st-key-present_widget label").click()
    wait_idle(page)
    expect()(page.locator(".agx-presenting")).to_have_count(1)
    go_to(page, titles["playground"])
    found += check(page, screenshots, "presenter_playground", lang)
    go_to(page, titles["step_through"])
    found += check(page, screenshots, "presenter_step_through", lang)
    page.locator(".st-key-present_widget label").click()  # presenter view off again
    wait_idle(page)
    # an exercise (issue 18's classroom): started from the Lessons page, a wrong answer's hint on the page
    go_to(page, TITLES[lang]["lessons"])
    page.locator(".st-key-ready_bce_layer").get_by_role("button", name=t("classroom.start", lang)).click()
    expect()(page.locator("h1").first).to_have_text(titles["step_through"])
    wait_idle(page)
    box = page.locator(".st-key-classroom_active input[type='text']")
    box.fill("0")
    page.locator(".st-key-classroom_active").get_by_role("button", name=t("classroom.check", lang)).click()
    expect()(page.locator(".st-key-classroom_active [data-testid='stAlert']")).to_be_visible()
    found += check(page, screenshots, "exercise", lang, graph=None)
    assert found == [], "\n".join(found)


def test_axe_finds_no_wcag_violation_in_the_dark_theme(browser, server, screenshots):
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_state(page, server, AppState(program=ONE_LAYER))
        found = check(page, screenshots, "playground_dark", "en")
        go_to(page, "Backward step-through")
        found += check(page, screenshots, "step_through_dark", "en")
        assert found == [], "\n".join(found)
    finally:
        context.close()


def node_names(table) -> list[str]:
    return table.locator("tbody th").all_inner_texts()


def test_the_graph_table_sorts_by_a_column_from_the_keyboard(page, server, screenshots):
    open_state(page, server, AppState(program=ONE_LAYER))
    summary = page.locator("[data-testid='stExpander'] summary", has_text="Graph as a table")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator(".agx-graph-table").first
    expect()(table).to_be_visible()
    assert node_names(table)[:3] == ["MmBackward0", "SqueezeBackward4", "AddBackward0"]  # the graph's order
    # Tab from the expander reaches the table's scroll box, then its first sort button (Name)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Name"
    gradient = table.locator("thead button", has_text="Gradient")
    gradient.focus()
    page.keyboard.press("Enter")
    header = table.locator("thead th", has_text="Gradient")
    expect()(header).to_have_attribute("aria-sort", "ascending")
    names = node_names(table)
    assert names[:2] == ["x", "y"] and names[-2:] == ["BinaryCrossEntropyWithLogitsBackward0", "loss"]
    page.keyboard.press("Enter")
    expect()(header).to_have_attribute("aria-sort", "descending")
    assert node_names(table)[:2] == ["BinaryCrossEntropyWithLogitsBackward0", "loss"]
    expect()(page.locator("#agx-live")).to_have_text("Sorted by Gradient, descending.")
    wait_idle(page)
    # a text column sorts by its words, numbers inside them by value
    table.locator("thead button", has_text="Name").focus()
    page.keyboard.press("Enter")
    assert node_names(table)[:4] == ["AddBackward0", "b", "BinaryCrossEntropyWithLogitsBackward0", "loss"]
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "a11y_table_sorted.png"), full_page=True)


def step_key(page, key: str, said: str) -> None:
    """Press a step key, hear the step it announces, and wait for the page (as a user reading each step)."""
    page.keyboard.press(key)
    expect()(page.locator("#agx-live")).to_have_text(said)
    wait_idle(page)


def frame_text(page) -> str:
    return page.locator("pre.text-block").first.inner_text()


def test_keys_step_the_pass_and_the_step_is_announced(page, server, screenshots):
    open_state(page, server, AppState(program=ONE_LAYER, page="step_through"))
    expect()(page.locator("#agx-live")).to_have_text("Step 1/6: BinaryCrossEntropyWithLogitsBackward0 runs")
    wait_idle(page)
    page.locator("h1").first.click()  # the focus on the page itself, no control
    step_key(page, "ArrowRight", "Step 2/6: AddBackward0 runs")
    assert frame_text(page).startswith("Step 2/6: AddBackward0 runs")
    step_key(page, "ArrowRight", "Step 3/6: AccumulateGrad for b")
    step_key(page, "ArrowLeft", "Step 2/6: AddBackward0 runs")
    # Page Down is the page's own (scrolling) outside presenter view
    page.keyboard.press("PageDown")
    wait_idle(page)
    assert frame_text(page).startswith("Step 2/6")
    # a focused slider keeps its arrows: → moves the slider one step, not the slider and the page's key too
    page.locator("[data-testid='stSlider'] input[type='range']").focus()
    step_key(page, "ArrowRight", "Step 3/6: AccumulateGrad for b")
    assert frame_text(page).startswith("Step 3/6")
    # keys pressed faster than the page reruns: each is one step, none lost and none taken back
    page.locator("h1").first.click()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect()(page.locator("#agx-live")).to_have_text("Step 6/6: AccumulateGrad for w", timeout=30_000)
    wait_idle(page)
    assert frame_text(page).startswith("Step 6/6")
    page.screenshot(path=str(screenshots / "a11y_keys_step.png"), full_page=True)


def test_every_control_of_the_step_through_is_reached_by_tab_with_a_visible_ring(page, server, screenshots):
    open_state(page, server, AppState(program=ONE_LAYER, page="step_through", step=1))
    reached = []
    rings = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        found = page.evaluate("""() => {
            const el = document.activeElement;
            const keyed = el.closest('[class*="st-key-"]');
            const key = keyed ? Array.from(keyed.classList).find(c => c.startsWith('st-key-')) : el.tagName;
            const ringed = (e) => e && getComputedStyle(e).outlineStyle !== 'none'
                && parseFloat(getComputedStyle(e).outlineWidth) >= 2;
            // a checkbox's or a slider's input is hidden: its ring is on its label / the slider's thumb
            const thumb = el.parentElement && el.parentElement.parentElement;
            return [key, ringed(el) || ringed(el.closest('label')) || (el.type === 'range' && ringed(thumb))];
        }""")
        reached.append(found[0])
        rings.setdefault(found[0], found[1])
        if found[0] == "st-key-step_next":
            page.screenshot(path=str(screenshots / "a11y_focus_next.png"))
    for key in ("st-key-pass_picker", "st-key-step_first", "st-key-step_prev", "st-key-step_next",
                "st-key-step_last", "st-key-step_slider", "st-key-fold_pass", "st-key-play_toggle"):
        assert key in reached, (key, reached)
        assert rings[key], f"{key} has no visible focus ring"


def test_presenter_view_on_a_projector(browser, server, screenshots):
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        open_state(page, server, AppState(program=ONE_LAYER, page="step_through", present=True))
        expect()(page.locator("html")).to_have_css("font-size", "26px")
        expect()(page.locator("[data-testid='stSidebar']")).to_have_attribute("data-collapsed", "true")
        page.wait_for_selector("svg.autograd-graph g.node")
        # the graph's labels grow with the type (15 px in the SVG, zoomed 26/17: about 23 px on the projector)
        label = page.locator("svg.autograd-graph g.node text.label").first
        assert label.evaluate("e => e.getBoundingClientRect().height") >= 1.4 * 15
        page.screenshot(path=str(screenshots / "a11y_presenter_step_1600x900.png"))
        page.locator("h1").first.click()
        step_key(page, "PageDown", "Step 2/6: AddBackward0 runs")  # a presenter's clicker
        step_key(page, "PageDown", "Step 3/6: AccumulateGrad for b")
        step_key(page, "PageUp", "Step 2/6: AddBackward0 runs")
        assert "present=1" in page.url and "step=1" in page.url
        page.screenshot(path=str(screenshots / "a11y_presenter_step2_1600x900.png"))
        open_state(page, server, AppState(program=ONE_LAYER, present=True))
        # the editor is folded away; the output and the graph have the screen
        expect()(page.locator("[data-testid='stTextArea']")).to_be_hidden()
        folded = page.locator("[data-testid='stExpander'] summary", has_text="Program and leaf tensors")
        expect()(folded).to_be_visible()
        page.screenshot(path=str(screenshots / "a11y_presenter_playground_1600x900.png"))
    finally:
        context.close()
