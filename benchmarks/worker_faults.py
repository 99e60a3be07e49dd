"""How fast the sandbox heals (issue 16: "a hung or killed worker replaced within 2 s"): the fork server
("zygote") stopped (SIGSTOP) or killed, and a run's own process stopped or killed half a second in. Prints the
time from the fault to a new zygote answering, and from the start of a run to its user's "stopped by the
server" message, several times each.

    python benchmarks/worker_faults.py [--repeats N]

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.sandbox import Limits, run_program  # noqa: E402
from explorer.sandbox.worker import _zygote  # noqa: E402

LOOP = "x = 0\nwhile True:\n    x += 1\n"
OPEN = Limits(statements=10**12, wall_seconds=1000, hard_timeout_seconds=60)  # only a fault ends LOOP early


def zygote_replaced(fault: int) -> float:
    """Seconds from sending `fault` to the zygote until a new one is running."""
    run_program("print(1)")
    old = _zygote.process.pid
    began = time.monotonic()
    os.kill(old, fault)
    while True:
        process = _zygote.process
        if process is not None and process.pid != old and process.poll() is None:
            took = time.monotonic() - began
            break
        if time.monotonic() - began > 60:
            return float("inf")
        time.sleep(0.005)
    assert run_program("print(2)").text() == "2\n"
    return took


def run_stopped(fault: int) -> float:
    """Seconds from the fault (sent to the run's process 0.5 s in) until the run returned its message."""
    run_program("print(1)")
    zygote = _zygote.process.pid
    sent = []

    def send():
        time.sleep(0.5)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_bytes()
                except OSError:
                    continue
                if int(stat[stat.rindex(b")") + 2:].split()[1]) == zygote:
                    os.kill(int(entry), fault)
                    sent.append(time.monotonic())

    threading.Thread(target=send, daemon=True).start()
    result = run_program(LOOP, limits=OPEN)
    assert result.error is not None and result.error.stopped, result.error
    return time.monotonic() - sent[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    cases = {
        "zygote stopped (SIGSTOP) -> new zygote": lambda: zygote_replaced(signal.SIGSTOP),
        "zygote killed (SIGKILL) -> new zygote": lambda: zygote_replaced(signal.SIGKILL),
        "run stopped (SIGSTOP) -> user told": lambda: run_stopped(signal.SIGSTOP),
        "run killed (SIGKILL) -> user told": lambda: run_stopped(signal.SIGKILL),
    }
    print(f"{'fault':42s} {'median':>8s} {'max':>8s}   ({args.repeats} times each, seconds)")
    for name, case in cases.items():
        times = [case() for _ in range(args.repeats)]
        print(f"{name:42s} {statistics.median(times):8.2f} {max(times):8.2f}")


if __name__ == "__main__":
    main()
