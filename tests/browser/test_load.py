"""Load: 30 browser sessions open the app at once against one server. Each must get its page, and the
server's memory must come back near where it started once they close. Prints the figures."""

from __future__ import annotations

import gc
import time

import pytest

from tests.browser.app_server import CHROMIUM_FLAGS, AppServer, chromium_path

pytestmark = pytest.mark.slow

SESSIONS = 30


def _settle(server: AppServer, seconds: float = 20.0) -> float:
    """Memory after sessions have gone: the lowest reading while the server drops them."""
    low = server.memory_mb()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(1.0)
        low = min(low, server.memory_mb())
    return low


@pytest.mark.timeout(900)  # 30 chromium renderers share the machine's cores with the server
def test_thirty_sessions_at_once():
    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
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
            start = _settle(server, 8)

            contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(SESSIONS)]
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
        after = _settle(server)
    finally:
        server.stop()
    print(f"\nload test: {loaded}/{SESSIONS} sessions got the Playground with its output and graph in "
          f"{all_loaded:.1f} s; server memory (server + workers) {start:.0f} MB after warm-up, "
          f"{peak:.0f} MB with {SESSIONS} sessions, {after:.0f} MB after they closed "
          f"({after - start:+.0f} MB)")
    assert loaded == SESSIONS
    # per-session state is dropped when the browser goes; what stays is the bounded caches
    assert after - start <= max(0.25 * start, 60.0)
