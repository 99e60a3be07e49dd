"""2,000 nodes draw in under a second (issue 17): laid out, made into a figure and drawn by Plotly in Chromium,
unfolded (a loop of 500 steps and 2,000 independent terms). Prints the three times, the best of three.

    python benchmarks/graph_draw_bench.py

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import plotly
from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layout_bench import loop_graph, wide_graph  # noqa: E402  (this folder)

from explorer.graph.figures import graph_figure  # noqa: E402
from explorer.graph.run_layout import graph_layout  # noqa: E402
from tests.browser.app_server import CHROMIUM_FLAGS, chromium_path  # noqa: E402

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DRAW = """async (spec) => {
  const fig = JSON.parse(spec);
  const start = performance.now();
  await Plotly.newPlot('graph', fig.data, fig.layout);
  return performance.now() - start;
}"""


def measure(make) -> None:
    graph = make(2000)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.set_content("<div id='graph'></div>")
        page.add_script_tag(path=str(PLOTLY_JS))
        runs = []
        for _ in range(3):  # the best of three: the machine is shared
            start = time.perf_counter()
            layout = graph_layout(graph, fold=False)
            laid = time.perf_counter()
            spec = json.dumps(graph_figure(graph, layout).to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)
            built = time.perf_counter()
            drawn = page.evaluate(DRAW, spec) / 1000
            runs.append((laid - start, built - laid, drawn))
        browser.close()
    lay, build, draw = min(runs, key=sum)
    print(f"{make.__name__}: {graph.number_of_nodes()} nodes: layout {lay * 1000:.0f} ms, figure "
          f"{build * 1000:.0f} ms, drawn in Chromium {draw * 1000:.0f} ms, total {(lay + build + draw) * 1000:.0f} ms")


if __name__ == "__main__":
    if chromium_path() is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    for make in (loop_graph, wide_graph):
        measure(make)
