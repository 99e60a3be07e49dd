"""2,000 nodes draw in under a second (issue 17): laid out, made into the SVG the pages draw
(explorer/graph/svg.py) and drawn in Chromium, unfolded (a loop of 500 steps and 2,000 independent terms). Prints
the three times."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from explorer.graph.run_layout import graph_layout
from explorer.graph.svg import graph_svg
from tests.browser.app_server import CHROMIUM_FLAGS, chromium_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from layout_bench import loop_graph, wide_graph

pytestmark = pytest.mark.slow

# the SVG put on the page and laid out and painted by the browser (the next frame after it is in the page)
DRAW = """async (svg) => {
  const start = performance.now();
  document.getElementById('graph').innerHTML = svg;
  document.querySelector('svg.autograd-graph').getBoundingClientRect();
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return performance.now() - start;
}"""


@pytest.mark.parametrize("make", [loop_graph, wide_graph], ids=["loop", "wide"])
def test_two_thousand_nodes_draw_in_under_a_second(make):
    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    graph = make(2000)
    assert graph.number_of_nodes() >= 1999
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.set_content("<div id='graph'></div>")
        runs = []
        for _ in range(3):  # the best of three: the machine is shared
            start = time.perf_counter()
            layout = graph_layout(graph, fold=False)
            laid = time.perf_counter()
            svg = graph_svg(graph, layout)
            built = time.perf_counter()
            drawn = page.evaluate(DRAW, svg) / 1000
            assert page.evaluate("document.querySelectorAll('svg.autograd-graph g.node').length") == len(
                layout.graph)
            runs.append((laid - start, built - laid, drawn))
        browser.close()
    lay, build, draw = min(runs, key=sum)
    print(f"\n{make.__name__}: {graph.number_of_nodes()} nodes: layout {lay * 1000:.0f} ms, SVG "
          f"{build * 1000:.0f} ms, drawn in Chromium {draw * 1000:.0f} ms, total {(lay + build + draw) * 1000:.0f} ms")
    assert page is not None and lay + build + draw < 1.0
