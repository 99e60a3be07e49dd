"""A new visitor's first page, in Chromium: from opening the address to a Playground with the default lesson's
output and its graph drawn. Prints each visit's time; the first visit is the first after the server started.

    python benchmarks/first_page.py               # starts its own server (streamlit run explorer/app.py)
    python benchmarks/first_page.py --url http://127.0.0.1:8501 --visits 5

To compare two builds, start each one's server in turn on the same port (`streamlit run explorer/app.py` from
its checkout) and run this script with --url against it, alternating: the graph counts as drawn whether it is
the SVG graph or a Plotly one.

Each visit is a new browser context (no cache, no cookies): what a student who just typed the address sees.
Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.app_server import CHROMIUM_FLAGS, AppServer, chromium_path  # noqa: E402

# the default lesson's output is on the page (a text block, or st.code in a build from before them) and the graph's
# nodes are drawn: the SVG graph's nodes (explorer/graph/svg.py), or, for a build from before it (to compare side
# by side), a Plotly graph's trace
DRAWN = """() => {
  const blocks = document.querySelectorAll('pre.text-block, [data-testid="stCode"]');
  const output = [...blocks].some(e => e.innerText.trim().length > 0);
  const graph = document.querySelector('svg.autograd-graph g.node')
    || document.querySelector('.js-plotly-plot .main-svg .scatterlayer .trace');
  return output && graph !== null;
}"""


def visit(browser, url: str, timeout_ms: int) -> float:
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    page = context.new_page()
    try:
        began = time.perf_counter()
        page.goto(url)
        page.wait_for_function(DRAWN, timeout=timeout_ms, polling=20)
        return time.perf_counter() - began
    finally:
        context.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="an existing server (default: start one)")
    ap.add_argument("--visits", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args(argv)
    if chromium_path() is None:
        print("chromium is not installed (apt-get install -y chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    started = None if args.url else AppServer().start()
    url = args.url or started.url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            times = [visit(browser, url, int(args.timeout * 1000)) for _ in range(args.visits)]
            browser.close()
    finally:
        if started is not None:
            started.stop()
    label = "first visit after the server started" if started else "first visit"
    print(f"server {url}; load average over the last minute {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{label}: {times[0]:.2f} s")
    if len(times) > 1:
        rest = times[1:]
        print(f"later new visitors ({len(rest)}): median {statistics.median(rest):.2f} s, "
              f"max {max(rest):.2f} s  [{', '.join(f'{s:.2f}' for s in rest)}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
