"""Issue 17's smaller items in Chromium at 1600x1100: the lessons' output lines fit without sideways scrolling,
the descent page's controls and 3-D labels are readable (nothing covered, cut or overlapping), the step-through
animation's text box is whole. Screenshots go to tests/browser/screenshots/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from explorer.descent import OPTIMIZERS
from explorer.ui.link import AppState, DescentSettings, encode_query
from tests.browser.test_app_browser import expect, wait_idle

pytestmark = pytest.mark.slow

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("0*.txt"))


def open_state(page, server, path: str, state: AppState) -> None:
    page.goto(f"{server.url}/{path}?{urlencode(encode_query(state))}")
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    expect()(page.locator("h1").first).to_be_visible()
    wait_idle(page)


# every text block of the output (the full-width ones; the error excerpt sits in the editor's column): its
# scrolled width, its width, and the width 80 characters take in its font, next to its content width
CODE_WIDTHS = """() => [...document.querySelectorAll('pre.text-block')]
    .filter(pre => !pre.closest('[data-testid=stColumn]')).map(pre => {
    const code = pre.querySelector('code') || pre;
    const probe = document.createElement('span');
    probe.textContent = 'x'.repeat(80);
    probe.style.whiteSpace = 'pre';
    code.appendChild(probe);
    const eighty = probe.getBoundingClientRect().width;
    probe.remove();
    const style = getComputedStyle(pre);
    const content = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {scroll: pre.scrollWidth, client: pre.clientWidth, eighty, content, text: pre.innerText.slice(0, 40)};
})"""


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_the_lessons_output_lines_are_seen_whole_without_scrolling(page, server, screenshots, seed):
    open_state(page, server, "", AppState(program=seed.read_text(encoding="utf-8")))
    expect()(page.get_by_text("This looks like a saved notebook")).to_be_visible()
    page.wait_for_function(f"({CODE_WIDTHS})().length > 0")
    blocks = page.evaluate(CODE_WIDTHS)
    assert blocks
    for block in blocks:
        assert block["scroll"] <= block["client"], block  # no sideways scrolling
        assert block["eighty"] <= block["content"], block  # PyTorch's 80-column lines on one line each
    page.locator("pre.text-block").last.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / f"polish17_output_{seed.name[:3]}.png"))


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


BOXES = """(chart) => {
    const rect = e => { const r = e.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const c = document.querySelectorAll('[data-testid=stPlotlyChart]')[chart];
    return {
        buttons: [...c.querySelectorAll('.updatemenu-button')].map(rect),
        // the slider's current value ("step 100"): its one label outside the tick labels
        value: [...c.querySelectorAll('.slider-label')].filter(e => !e.closest('.slider-labels'))
            .map(e => ({...rect(e), text: e.textContent})),
        // each label's box (its text on its background; the arrow to the point left out)
        labels: [...c.querySelectorAll('.annotation-scene')].map(a => ({
            ...rect(a.querySelector('.annotation-text-g')), text: a.textContent,
            fill: getComputedStyle(a.querySelector('.annotation-text')).fill,
            bg: getComputedStyle(a.querySelector('.bg')).fill})),
    };
}"""


def _luminance(css: str) -> float:
    channels = [float(v) / 255 for v in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_descent_page_reads_whole(page, server, screenshots):
    for optimizer in OPTIMIZERS:
        open_state(page, server, "descent", AppState(page="descent", descent=DescentSettings(optimizer=optimizer)))
        box = page.locator("[data-testid='stSelectbox'] input").first
        width = box.evaluate("e => [e.scrollWidth, e.clientWidth, e.value]")
        assert width[0] <= width[1], width  # "SGD (as in the lesson)", not "SGD (as in tl"
    charts = page.locator("[data-testid='stPlotlyChart']")
    for index in range(2):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator(".slider-label").first.wait_for(state="attached")
        found = page.evaluate(BOXES, index)
        assert found["buttons"] and found["value"], found
        assert found["value"][0]["text"].strip().endswith("100")
        for button in found["buttons"]:
            assert not _overlap(button, found["value"][0]), found  # Pause once covered "step 100"
    # the 3-D surface's labels: on a light box, dark text, none over another
    charts.nth(1).scroll_into_view_if_needed()
    charts.nth(1).locator(".annotation-scene").first.wait_for(state="attached")
    page.wait_for_timeout(500)
    labels = page.evaluate(BOXES, 1)["labels"]
    assert len(labels) == 2, labels
    for label in labels:
        light, dark = sorted((_luminance(label["bg"]), _luminance(label["fill"])), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 7, label
        assert _luminance(label["bg"]) > _luminance(label["fill"])
    assert not _overlap(labels[0], labels[1]), labels
    charts.nth(1).screenshot(path=str(screenshots / "polish17_descent_surface.png"))
    charts.nth(0).screenshot(path=str(screenshots / "polish17_descent_contour.png"))


def test_the_step_through_animation_shows_each_frames_text_whole(page, server, screenshots):
    # lesson 000's second pass: the float64 10-element gradients make its tallest frames
    open_state(page, server, "step_through", AppState(page="step_through", program=SEEDS[0].read_text(
        encoding="utf-8"), pass_index=1))
    page.get_by_text("Play the whole pass").click()
    wait_idle(page)
    chart = page.locator(".st-key-animation_chart .js-plotly-plot")  # the step's graph is SVG; the animation Plotly
    chart.scroll_into_view_if_needed()
    frames = chart.evaluate("gd => gd._transitionData._frames.map(f => f.name)")
    assert len(frames) > 1
    for name in frames:
        chart.evaluate("(gd, name) => Plotly.animate(gd, [name], {mode: 'immediate', frame: {duration: 0, "
                       "redraw: true}, transition: {duration: 0}})", name)
        page.wait_for_timeout(200)
        box = chart.evaluate("""gd => {
            const svg = gd.querySelector('.main-svg').getBoundingClientRect();
            const boxes = [...gd.querySelectorAll('.annotation')].map(a => a.getBoundingClientRect());
            const text = boxes.sort((a, b) => b.height - a.height)[0];
            return {bottom: text.bottom, right: text.right, svgBottom: svg.bottom, svgRight: svg.right};
        }""")
        assert box["bottom"] <= box["svgBottom"] and box["right"] <= box["svgRight"], (name, box)
    # Play and Pause clear of the slider's value ("step 6") and of the legend, whose rows wrap in the plot area
    parts = chart.evaluate("""gd => {
        const rect = e => { const r = e.getBoundingClientRect();
                            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
        return {buttons: [...gd.querySelectorAll('.updatemenu-button')].map(rect),
                value: [...gd.querySelectorAll('.slider-label')].filter(e => !e.closest('.slider-labels')).map(rect),
                legend: [...gd.querySelectorAll('.legend .traces')].map(rect)};
    }""")
    assert parts["buttons"] and parts["value"] and len(parts["legend"]) >= 4
    for button in parts["buttons"]:
        for other in parts["value"] + parts["legend"]:
            assert not _overlap(button, other), (button, other)
    chart.screenshot(path=str(screenshots / "polish17_step_animation.png"))
