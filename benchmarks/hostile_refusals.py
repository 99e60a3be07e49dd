"""How long the sandbox takes to refuse each program of the hostile corpus, run as the app runs it (in a forked
worker, `run_program(isolated=True)`): the slowest programs, the median and how many took over the issue's
5 s. Optionally beside N busy sessions (`--busy N` runs N copies of a heavy legitimate lesson in a loop at the
same time), which is what a refusal costs on a class's server.

    python benchmarks/hostile_refusals.py                  # the whole corpus, one at a time
    python benchmarks/hostile_refusals.py --busy 2 --only bomb_

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.lessons import LESSONS  # noqa: E402
from explorer.sandbox import run_program  # noqa: E402

CORPUS = ROOT / "tests" / "explorer" / "sandbox" / "hostile"
LIMIT = 5.0


def busy_loop(stop: threading.Event, program: str) -> None:
    while not stop.is_set():
        run_program(program, isolated=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="only the files whose name starts with this")
    ap.add_argument("--busy", type=int, default=0, help="lessons re-running in a loop meanwhile")
    ap.add_argument("--top", type=int, default=12, help="how many of the slowest to list")
    args = ap.parse_args()

    files = sorted(p for p in CORPUS.glob("*.txt") if p.name.startswith(args.only))
    stop = threading.Event()
    lesson = max(LESSONS, key=lambda lesson: len(lesson.code)).code
    busy = [threading.Thread(target=busy_loop, args=(stop, lesson), daemon=True) for _ in range(args.busy)]
    for thread in busy:
        thread.start()
    times: dict[str, float] = {}
    kinds: dict[str, str] = {}
    try:
        for path in files:
            program = path.read_bytes().decode("utf-8", errors="surrogateescape")
            began = time.perf_counter()
            result = run_program(program, isolated=True)
            times[path.stem] = time.perf_counter() - began
            kinds[path.stem] = result.error.kind if result.error else "(ran)"
    finally:
        stop.set()

    ordered = sorted(times.items(), key=lambda item: -item[1])
    print(f"{len(times)} hostile programs through the worker, {args.busy} busy sessions beside them")
    print(f"median {statistics.median(times.values()):.2f} s, max {ordered[0][1]:.2f} s, "
          f"over {LIMIT:.0f} s: {sum(t > LIMIT for t in times.values())}")
    print(f"\nthe {args.top} slowest:")
    for name, seconds in ordered[:args.top]:
        print(f"  {seconds:6.2f} s  {name:45s} {kinds[name]}")


if __name__ == "__main__":
    main()
