"""Keep freed array memory in the process instead of returning it to the OS after every op.

glibc serves allocations above 128 KiB with fresh mmap'd pages and unmaps them on free, so each new array of a
200 x 200 grid pays page faults on first touch: measured 5x slower for the descent surface pass (1.1 ms vs
0.21 ms). Raising the mmap and trim thresholds lets freed blocks be reused, which is what PyTorch's CPU caching
allocator achieves too. A no-op where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory(mmap_threshold: int = 64 << 20, trim_threshold: int = 256 << 20) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(_M_TRIM_THRESHOLD, trim_threshold))


KEPT = keep_freed_memory()
