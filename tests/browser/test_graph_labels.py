"""Every lesson's graphs as the class sees them (issue 17): label boxes read from the rendered SVG, in the forward
and backward views and in the step-through, for the presets, the five seed notebooks pasted whole and a program
of separate parts. No two labels overlap, none runs into a marker or under the step's ring, none is cut off (by
the figure or by the column it scrolls in), and the figure is drawn at the size it was laid out for."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.lessons import LESSONS
from explorer.ui.link import AppState, encode_query
from tests.browser.graph_boxes import measure, problems
from tests.browser.test_app_browser import open_page
from tests.programs import AFFINE_LOOP, NET

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MULTI_PART = """import torch
a = torch.tensor([1., 2.], requires_grad=True)
b = (a * 3).sum()
b.backward()
c = torch.tensor(2.0, requires_grad=True)
d = c ** 2 + c
d.backward()
print(a.grad, c.grad)
"""
PROGRAMS = {lesson.key: lesson.code for lesson in LESSONS}
PROGRAMS.update({f"seed_{p.name[:3]}": p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))})
PROGRAMS["multi_part"] = MULTI_PART
# backward fails with "modified by an inplace operation": the saved tensor and its node are marked
PROGRAMS["in_place_error"] = """import torch
a = torch.tensor([1., 2.], requires_grad=True)
b = a * 2
c = b.sigmoid()
c.mul_(2)
c.sum().backward()
"""
# a model's layers folded into boxes named by their attribute (fc1: Linear(4 -> 8)), trained in a loop
PROGRAMS["module_boxes"] = NET
# loops folded to one iteration with "×N"
PROGRAMS["loop_folded"] = AFFINE_LOOP
PROGRAMS["rnn_folded"] = """import torch
torch.manual_seed(0)
W = torch.randn(3, 3, requires_grad=True)
U = torch.randn(3, 2, requires_grad=True)
h = torch.zeros(3)
for t in range(12):
    h = torch.tanh(W @ h + U @ torch.randn(2))
loss = h.sum()
loss.backward()
"""
NO_PASS = {"grad_fn", "no_grad_detach", "requires_grad_rules", "seed_004"}  # programs that never call backward


def check(page, screenshots, name: str) -> None:
    plots = measure(page)
    assert plots, "no graph was drawn"
    found = [p for plot in plots for p in problems(plot)]
    page.evaluate("document.querySelector('svg.autograd-graph').scrollIntoView({block: 'start'})")
    page.locator(".ag-graph").first.screenshot(path=str(screenshots / f"graph_{name}.png"))
    assert found == []


@pytest.mark.parametrize("view", ["forward", "backward"])
@pytest.mark.parametrize("key", sorted(PROGRAMS))
def test_playground_graph_labels_are_all_readable(page, server, screenshots, key, view):
    open_page(page, server, "", encode_query(AppState(program=PROGRAMS[key], view=view)))
    check(page, screenshots, f"{key}_{view}")


@pytest.mark.parametrize("key", sorted(set(PROGRAMS) - NO_PASS))
def test_step_through_labels_are_clear_of_the_ring(page, server, screenshots, key):
    open_page(page, server, "step_through", encode_query(AppState(program=PROGRAMS[key], page="step_through")))
    check(page, screenshots, f"{key}_step1")
    page.get_by_role("button", name="Next").click()
    page.wait_for_timeout(500)
    check(page, screenshots, f"{key}_step2")


@pytest.mark.parametrize("key", ["one_layer", "seed_003", "multi_part"])
def test_chinese_labels_and_titles_are_readable(page, server, screenshots, key):
    open_page(page, server, "", encode_query(AppState(program=PROGRAMS[key], view="backward", lang="zh")))
    check(page, screenshots, f"{key}_backward_zh")
