"""The server's caches, bounded by the bytes they hold rather than by a count of entries: one class's sessions
share them, and what one student's big program leaves behind is evicted first when room is needed.

`ByteCache` keeps values least recently used first out, up to `max_bytes` in all (a value bigger than a
quarter of that is returned and not kept). Values are kept as they are, not pickled again on every read as
`st.cache_data` does, so callers treat them as read-only. A value several sessions ask for while it is being
made (a class opening the same lesson at once) is made once: the others wait for it ("single flight").

No Streamlit here: the pages hold one cache per kind of value (explorer/ui/cache.py).
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any


def pickled_size(value) -> int:
    """What a value costs to keep, measured as its pickle (numpy arrays pickle at their buffer's size)."""
    try:
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a value that cannot be pickled is still kept, at a nominal size
        return 1 << 20


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    entries: int = 0
    bytes: int = 0


class _Flight:
    """A value being made: who waits for it gets it (or the same exception) when it is done."""

    def __init__(self):
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class ByteCache:
    def __init__(self, max_bytes: int, size_of: Callable[[Any], int] = pickled_size):
        self.max_bytes = max_bytes
        self.size_of = size_of
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.stats = CacheStats()

    def get(self, key: Hashable, make: Callable[[], Any]):
        """The value for `key`, made by `make()` if no one has it (and no one is making it)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.stats.hits += 1
                return self._entries[key][0]
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = _Flight()
                self.stats.misses += 1
            else:
                self.stats.hits += 1
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            flight.value = make()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
                if flight.error is None:
                    self._keep(key, flight.value)
            flight.done.set()
        return flight.value

    def _keep(self, key: Hashable, value) -> None:
        size = self.size_of(value)
        if size > self.max_bytes // 4:
            return  # one value must not push out a class's worth of small ones
        self._entries[key] = (value, size)
        self.stats.bytes += size
        while self.stats.bytes > self.max_bytes and self._entries:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.stats.bytes -= dropped
            self.stats.evictions += 1
        self.stats.entries = len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.stats = CacheStats()
