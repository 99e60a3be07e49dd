"""The server's caches are bounded by bytes, share a value made once among sessions that ask at once, and
keep no failures."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from explorer.ui.byte_cache import ByteCache, pickled_size


def test_least_recently_used_values_go_first_when_the_bytes_run_out():
    cache = ByteCache(1000, size_of=len)
    for key in "abcd":
        cache.get(key, lambda k=key: k * 200)  # 200 bytes each
    cache.get("a", lambda: pytest.fail("'a' is kept"))  # 'a' is now the most recent
    cache.get("e", lambda: "e" * 240)  # 1,040 bytes: 'b', the least recent, goes
    assert cache.stats.bytes == 840 and cache.stats.evictions == 1 and cache.stats.entries == 4
    made = []
    cache.get("b", lambda: made.append("b") or "b" * 200)
    assert made == ["b"]


def test_a_value_too_big_to_share_the_cache_is_returned_but_not_kept():
    cache = ByteCache(1000, size_of=len)
    assert cache.get("big", lambda: "x" * 400) == "x" * 400
    assert cache.stats.entries == 0 and cache.stats.bytes == 0


def test_sessions_asking_at_once_share_one_making():
    cache = ByteCache(10**6)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return np.arange(10)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("lesson", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(results) == 8
    assert all(r is results[0] for r in results)


def test_a_failure_reaches_every_waiter_and_is_not_kept():
    cache = ByteCache(10**6)

    def broken():
        time.sleep(0.1)
        raise ValueError("no")

    errors = []

    def ask():
        try:
            cache.get("k", broken)
        except ValueError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 3
    assert cache.get("k", lambda: 5) == 5


def test_sizes_are_pickled_sizes():
    assert 8000 <= pickled_size(np.zeros(1000)) < 8400
