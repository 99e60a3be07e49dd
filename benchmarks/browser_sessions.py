"""Load in real browsers: 30 Chromium sessions open the app at once against one server. Prints how many got
the Playground with its output and graph, how long all took, and the server's memory after warm-up, with the
sessions open and once they closed (benchmarks/load_test.py measures the same over the websocket protocol,
with latency percentiles and hostile sessions).

    python benchmarks/browser_sessions.py [--sessions N]

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from playwright import sync_api

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import settle

from tests.browser.app_server import CHROMIUM_FLAGS, AppServer, chromium_path


def measure(sessions: int) -> None:
    server = AppServer().start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            # one session first: imports, the worker fork server and the caches are warm, as in class
            warm = browser.new_context()
            page = warm.new_page()
            page.goto(server.url)
            page.wait_for_selector("svg.autograd-graph g.node", timeout=120_000)
            warm.close()
            start = settle(server, 8)

            contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(sessions)]
            pages = [context.new_page() for context in contexts]
            began = time.monotonic()
            for page in pages:
                page.goto(server.url, wait_until="commit")
            loaded = 0
            for page in pages:
                page.wait_for_selector("svg.autograd-graph g.node", timeout=180_000)
                page.locator("h1", has_text="Playground").wait_for(timeout=60_000)
                output = page.locator("[data-testid='stCode']").first.inner_text()
                loaded += "tensor([0.2661, 0.1179, 0.0027])" in output
            all_loaded = time.monotonic() - began
            peak = server.memory_mb()
            for context in contexts:
                context.close()
            browser.close()
        gc.collect()
        after = settle(server, 20)
    finally:
        server.stop()
    print(f"load test: {loaded}/{sessions} sessions got the Playground with its output and graph in "
          f"{all_loaded:.1f} s; server memory (server + workers) {start:.0f} MB after warm-up, "
          f"{peak:.0f} MB with {sessions} sessions, {after:.0f} MB after they closed "
          f"({after - start:+.0f} MB)")


if __name__ == "__main__":
    if chromium_path() is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=30)
    measure(ap.parse_args().sessions)
