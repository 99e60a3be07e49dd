"""A class on one server: many sessions re-running lessons at once, over Streamlit's own websocket protocol
(what a browser sends and receives, without the browser). Prints latency percentiles, failures, the server's
memory before, at its peak and after the sessions close, the slowdown hostile sessions cause, and the memory
one user's big-result programs leave behind.

    python benchmarks/load_test.py                 # starts its own server (streamlit run explorer/app.py)
    python benchmarks/load_test.py --url http://127.0.0.1:8080   # an existing server, e.g. replicas behind nginx
    python benchmarks/load_test.py --sessions 5 --reruns 2 --quick

Each rerun sends a lesson that no other rerun sent (a comment names the session, the run and this process), so
every run misses the caches: the server does what a class of students editing their own copies makes it do. A run
fails when the page shows an exception or an error instead of the lesson's output, or takes over --timeout.

The slowdown: in each of --rounds rounds, 15 students run lessons alone, then the same mix of lessons again while
3 hostile sessions run the costliest programs over and over (each in its own session, pressing Run, started --lead
seconds before the students: a class in which they are already busy). It prints each round's ratio of the
students' medians and the ratio over all rounds.

Figures, not assertions: the machine is shared, so read them side by side, as the README says.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from explorer.lessons import LESSONS  # noqa: E402
from explorer.sandbox import render_outputs, run_program  # noqa: E402
from explorer.ui.link import AppState, encode_query  # noqa: E402
from tests.browser.app_server import AppServer, _rss_kb, _tree  # noqa: E402

# Programs a careless or hostile student runs: each costs the most the sandbox lets one run cost.
HOSTILE = (
    "import torch\nx = 0\nwhile True:\n    x = x + 1\n",  # runs until the time or step budget stops it
    "import torch\na = torch.randn(1500, 1500)\nfor i in range(1000):\n    a = (a @ a).tanh()\n",  # heavy products
    "import torch\nparts = []\nfor i in range(100000):\n    parts.append(torch.randn(100, 100))\n",  # memory
    "def f(n):\n    return f(n + 1)\nf(0)\n",  # recursion
)
# Programs whose results are big (seven 2000x2000 float64 tensors each, within the budgets): what the server
# keeps of them after the session closes.
BIG = ("import torch\n" + "".join(f"t{i} = torch.randn(2000, 2000, dtype=torch.float64)\n" for i in range(7))
       + "print(t0.shape)\n")


@dataclass
class Run:
    seconds: float
    ok: bool
    problem: str = ""


@dataclass
class Phase:
    name: str
    runs: list[Run] = field(default_factory=list)

    def latencies(self) -> list[float]:
        return sorted(r.seconds for r in self.runs)

    def summary(self) -> str:
        times = self.latencies()
        if not times:
            return f"{self.name}: no runs"
        failed = [r for r in self.runs if not r.ok]
        p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
        line = (f"{self.name}: {len(times)} runs, median {statistics.median(times):.2f} s, p95 {p(0.95):.2f} s, "
                f"max {times[-1]:.2f} s, failed {len(failed)}")
        if failed:
            line += f" (first: {failed[0].problem[:120]})"
        return line


def query_for(program: str) -> str:
    params = encode_query(AppState(program=program))
    return "&".join(f"{k}={v}" for k, v in params.items())


class Session:
    """One browser tab: a websocket to the server. Its first run opens the page with the program in the link;
    a later run types the program into the editor (the editor widget's new value, which the browser sends)."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self.ws = None
        self.editor_id: str | None = None

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, program: str, expect: str | None = None, error_expected: bool = False) -> Run:
        """Run the page with this program and wait for the script to finish. A run fails on an exception the app
        did not catch, on an error the program does not make, or without the expected text."""
        began = time.monotonic()
        message = BackMsg()
        if self.editor_id is None:
            message.rerun_script.query_string = query_for(program)
        else:
            typed = message.rerun_script.widget_states.widgets.add()
            typed.id, typed.string_value = self.editor_id, program
        texts = []
        problem = ""
        try:
            await self.ws.send(message.SerializeToString())
            while True:
                left = max(0.1, self.timeout - (time.monotonic() - began))
                forward = ForwardMsg()
                forward.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=left))
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    which = element.WhichOneof("type")
                    if which == "exception":
                        problem = f"exception: {element.exception.message}"
                    elif which == "html" and element.html.body.startswith('<pre class="text-block">'):
                        texts.append(html.unescape(element.html.body))  # the output (explorer/ui/output_style.py)
                    elif which == "alert" and element.alert.format == 1 and not error_expected:  # ERROR
                        problem = problem or f"error: {element.alert.body}"
                    elif which == "text_area":  # the Playground's one text area: the program's editor
                        self.editor_id = element.text_area.id
                if kind == "script_finished":
                    break
        except (TimeoutError, OSError, websockets.WebSocketException) as exc:
            return Run(time.monotonic() - began, False, f"{type(exc).__name__}: {exc}")
        seconds = time.monotonic() - began
        if problem:
            return Run(seconds, False, problem)
        if expect is not None and not any(expect in text for text in texts):
            return Run(seconds, False, f"the output lacks {expect!r}")
        return Run(seconds, True)


async def rerun(url: str, program: str, timeout: float, expect: str | None = None, error_expected: bool = False) -> Run:
    """A new session (a student opening a link) that runs the page with this program once."""
    began = time.monotonic()
    try:
        async with Session(url, timeout) as session:
            return await session.run(program, expect, error_expected)
    except (TimeoutError, OSError, websockets.WebSocketException) as exc:
        return Run(time.monotonic() - began, False, f"{type(exc).__name__}: {exc}")


def _expected(code: str) -> tuple[str, bool]:
    """What the lesson prints first, and whether it ends in an error (run here once, in this process)."""
    result = run_program(code, isolated=False)
    lines = [line for line in render_outputs(result.outputs).splitlines() if line.strip() and "0x" not in line]
    return (lines[0] if lines else ""), result.error is not None


EXPECTED = {lesson.key: _expected(lesson.code) for lesson in LESSONS}


# in every program this process sends: a server measured twice (--url) has none of them in its caches
TAG = f"load test {time.time_ns()}"


def lesson_variant(index: int, run: int, offset: int = 0) -> tuple[str, tuple[str, bool]]:
    """A seed lesson with a comment of its own (no cache has seen it), and what its page must show. The lesson
    depends on the student and the run only, so phases with different offsets run the same mix of lessons."""
    lesson = LESSONS[(index + run) % len(LESSONS)]
    return f"# student {offset + index}, run {run}, {TAG}\n{lesson.code}", EXPECTED[lesson.key]


async def students(url: str, count: int, reruns: int, timeout: float, phase: Phase, offset: int = 0) -> None:
    async def one(index):
        for run in range(reruns):
            program, (expect, error) = lesson_variant(index, run, offset)
            phase.runs.append(await rerun(url, program, timeout, expect, error))

    await asyncio.gather(*(one(i) for i in range(count)))


async def hostiles(url: str, count: int, until: asyncio.Event, timeout: float, phase: Phase,
                   new_sessions: bool = False, offset: int = 0) -> None:
    """Sessions that run the costliest programs again and again until `until`: in one tab each, pressing Run
    (or, with new_sessions, opening a new tab for every run). Every run misses the caches, as the students' do."""

    async def one(index):
        run = 0
        async with Session(url, timeout) as session:
            while not until.is_set():
                program = f"# hostile {offset + index}, run {run}, {TAG}\n{HOSTILE[(index + run) % len(HOSTILE)]}"
                # (a refusal is the expected outcome)
                phase.runs.append(await (rerun(url, program, timeout) if new_sessions else session.run(program)))
                run += 1

    await asyncio.gather(*(one(i) for i in range(count)))


async def with_hostiles(url, normal, hostile, reruns, timeout, offset, lead, new_sessions) -> tuple[Phase, Phase]:
    """Students measured while hostile sessions run: the hostile ones start `lead` seconds before (a class in
    which they are already busy), and stop when the students are done."""
    normal_phase, hostile_phase = Phase(f"{normal} students beside {hostile} hostile sessions"), Phase("hostile")
    done = asyncio.Event()

    async def students_then_stop():
        await asyncio.sleep(lead)
        await students(url, normal, reruns, timeout, normal_phase, offset=offset)
        done.set()

    await asyncio.gather(students_then_stop(), hostiles(url, hostile, done, timeout, hostile_phase, new_sessions,
                                                               offset))
    return normal_phase, hostile_phase


def slowdown(url, args) -> None:
    """Rounds of the same students alone, then beside the hostile sessions: each round's ratio of the medians,
    and the ratio over all rounds (rounds, because the machine's other load comes and goes)."""
    alone_all, beside_all, refused = [], [], []
    for r in range(args.rounds):
        alone = Phase(f"round {r + 1}: {args.among} students alone")
        asyncio.run(students(url, args.among, args.reruns, args.timeout, alone, offset=2000 + 100 * r))
        beside, hostile = asyncio.run(with_hostiles(url, args.among, args.hostile, args.reruns, args.timeout,
                                                    5000 + 100 * r, args.lead, args.hostile_new_sessions))
        print(alone.summary())
        print(f"round {r + 1}: " + beside.summary())
        print(f"round {r + 1}: " + hostile.summary() + "  (refusals expected: these runs are stopped by the budgets)")
        ratio = statistics.median(beside.latencies()) / statistics.median(alone.latencies())
        print(f"round {r + 1}: slowdown of the students' median {ratio:.2f}x")
        alone_all += alone.latencies()
        beside_all += beside.latencies()
        refused += [run.seconds for run in hostile.runs]
    how = "a new session for every run" if args.hostile_new_sessions else "each in one session"
    print(f"slowdown of the students' median caused by {args.hostile} hostile sessions ({how}), over "
          f"{args.rounds} rounds: {statistics.median(beside_all) / statistics.median(alone_all):.2f}x")
    if refused:
        print(f"hostile runs ended after: median {statistics.median(refused):.2f} s, max {max(refused):.2f} s")


class Replicas:
    """Servers started elsewhere (deploy/run_replicas.sh): their memory, with every process below them."""

    def __init__(self, pids: list[int]):
        self.pids = pids

    def memory_mb(self) -> float:
        return sum(_rss_kb(p) for pid in self.pids for p in _tree(pid)) / 1024


class WorkerPeaks:
    """The largest peak resident memory (VmHWM) of any process below the servers (the sandbox's fork servers and
    their short-lived run processes), sampled every 50 ms while a phase runs: the issue's "no worker above
    512 MB". A run shorter than one sample can be missed; the big-result and hostile phases last seconds."""

    def __init__(self, roots: list[int]):
        self.roots = roots
        self.peak_kb = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self.stopped.wait(0.05):
            for root in self.roots:
                for pid in _tree(root)[1:]:
                    self.peak_kb = max(self.peak_kb, _rss_kb(pid, "VmHWM"))

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()

    def summary(self) -> str:
        return f"largest worker's peak memory: {self.peak_kb / 1024:.0f} MB"


def settle(server, seconds: float) -> float:
    """The server's memory (with its workers) once it has had time to drop what closed sessions held: the
    lowest reading over `seconds`."""
    if server is None:
        return float("nan")
    low = server.memory_mb()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(1.0)
        low = min(low, server.memory_mb())
    return low


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="an existing server (default: start one)")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--reruns", type=int, default=3, help="runs per session")
    ap.add_argument("--hostile", type=int, default=3)
    ap.add_argument("--among", type=int, default=15, help="sessions measured beside the hostile ones")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the slowdown measure")
    ap.add_argument("--lead", type=float, default=2.0, help="seconds the hostile sessions run before the students")
    ap.add_argument("--hostile-new-sessions", action="store_true",
                    help="hostile sessions open a new session for every run (a reload each time)")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--quick", action="store_true", help="skip the hostile and big-result phases")
    ap.add_argument("--pids", default="", help="with --url: the servers' process ids, to read their memory")
    args = ap.parse_args(argv)

    started = None if args.url else AppServer().start()
    url = args.url or started.url
    server = started or (Replicas([int(p) for p in args.pids.split()]) if args.pids else None)
    roots = [started.process.pid] if started else [int(p) for p in args.pids.split()]
    peaks = WorkerPeaks(roots)
    try:
        first = asyncio.run(rerun(url, LESSONS[0].code, args.timeout, *EXPECTED[LESSONS[0].key]))
        print(f"server {url}; first run (cold): {first.seconds:.2f} s{'' if first.ok else ' FAILED ' + first.problem}")
        warm = asyncio.run(rerun(url, LESSONS[0].code, args.timeout, *EXPECTED[LESSONS[0].key]))
        print(f"the same page again (cached): {warm.seconds:.2f} s")
        start = settle(server, 3)

        phase = Phase(f"{args.sessions} sessions x {args.reruns} reruns of seed lessons")
        began = time.monotonic()
        peaks.start()
        asyncio.run(students(url, args.sessions, args.reruns, args.timeout, phase))
        wall = time.monotonic() - began
        peak = server.memory_mb() if server else float("nan")
        print(phase.summary() + f"; {wall:.1f} s in all")
        closed = settle(server, 10)
        print(f"server memory (server and workers): {start:.0f} MB at start, {peak:.0f} MB after the load, "
              f"{closed:.0f} MB once the sessions closed ({closed - start:+.0f} MB)")
        if args.quick:
            return 0

        slowdown(url, args)

        before_big = settle(server, 3)
        big = Phase("one user's six big-result programs")
        for i in range(6):
            big.runs.append(asyncio.run(rerun(url, f"# big {i}, {TAG}\n{BIG}", args.timeout, "torch.Size")))
        after_big = server.memory_mb() if server else float("nan")
        print(big.summary())
        print(f"server memory: {before_big:.0f} MB before, {after_big:.0f} MB after the six programs "
              f"({after_big - before_big:+.0f} MB), {settle(server, 10):.0f} MB once settled")
    finally:
        if peaks.thread.is_alive():
            peaks.stop()
            print(peaks.summary() + (" (over the phases run)" if roots else " (no process ids to read: pass --pids)"))
        if started is not None:
            started.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
