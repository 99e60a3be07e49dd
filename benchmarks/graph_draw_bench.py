"""2,000 nodes draw in under a second (issue 17): laid out, made into the SVG the pages draw
(explorer/graph/svg.py) and drawn in Chromium, unfolded (a loop of 500 steps and 2,000 independent terms). Prints
the three times, the best of three.

    python benchmarks/graph_draw_bench.py

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layout_bench import loop_graph, wide_graph  # noqa: E402  (this folder)

from explorer.graph.run_layout import graph_layout  # noqa: E402
from explorer.graph.svg import graph_svg  # noqa: E402
from tests.browser.app_server import CHROMIUM_FLAGS, chromium_path  # noqa: E402

# the SVG put on the page and laid out and painted by the browser (the next frame after it is in the page)
DRAW = """async (svg) => {
  const start = performance.now();
  document.getElementById('graph').innerHTML = svg;
  document.querySelector('svg.autograd-graph').getBoundingClientRect();
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  return performance.now() - start;
}"""


def measure(make) -> None:
    graph = make(2000)
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
            drawn_nodes = page.evaluate("document.querySelectorAll('svg.autograd-graph g.node').length")
            runs.append((laid - start, built - laid, drawn))
        browser.close()
    lay, build, draw = min(runs, key=sum)
    print(f"{make.__name__}: {graph.number_of_nodes()} nodes ({drawn_nodes} drawn): layout {lay * 1000:.0f} ms, "
          f"SVG {build * 1000:.0f} ms, drawn in Chromium {draw * 1000:.0f} ms, total "
          f"{(lay + build + draw) * 1000:.0f} ms")


if __name__ == "__main__":
    if chromium_path() is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    for make in (loop_graph, wide_graph):
        measure(make)
