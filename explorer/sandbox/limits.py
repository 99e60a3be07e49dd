"""The budgets a program runs under, and the running counters that enforce them.

Each budget has its own message (catalogue key "limit.*", explorer/text/). The numbers leave the lessons
plenty of room: the seeds use under 200 statements and a few KB of tensors, the 100-step descent loop about 700
statements and 1,500 graph nodes, a 64x784 -> 128 -> 10 MLP step about 1 MB of tensors and 10^7 multiply-adds;
the slowest of the 58 corpus lessons takes under a second of processor time.

Time and memory are measured, not estimated: the process's CPU time, the wall clock and the memory the process
holds (its resident set, read from /proc) are read every CLOCK_EVERY ticks and after every engine or numpy
call, so Python objects, the backward trace and a backward pass's own work all count. In the worker process
the time budgets also interrupt (`Budget.interrupts`): a timer raises LimitExceeded inside a long engine call,
which is Python code, so a Jacobian of 2,000 rows stops at the limit instead of after it. Only one numpy call
cannot be interrupted, and its size is checked before it starts (result_sizes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    source_chars: int = 50_000
    ast_depth: int = 60
    ast_nodes: int = 20_000
    int_bits: int = 4_096  # 9**9**9 would need about 1.2e9 bits
    sequence_items: int = 1_000_000  # characters of a str, items of a list/tuple/dict
    sequence_total: int = 20_000_000  # all characters/items made by repetition, joins and copies in a run
    tensor_elements: int = 4_000_000  # per tensor or array (32 MB as float64)
    tensor_bytes: int = 256 * 2**20  # all tensors the run keeps (capture keeps every one alive)
    matmul_macs: int = 1_000_000_000  # multiply-adds of one matrix product
    statements: int = 200_000  # statements, loop turns, comprehension items, calls
    graph_nodes: int = 20_000  # a 2,000-step descent loop fits; the engine builds ~15k nodes a second
    output_chars: int = 200_000
    # a class's server answers every run within 5 s: a program gets 3.8 s of processor time (a busy server slows
    # its clock, not this) and 4.4 s on the clock, both checked as it runs and, in the worker, interrupting it;
    # the rest of the 5 s is the worker's reply and the page (the load test measured refusals at 4.8 s on the
    # clock reaching the user after 5.24 s)
    wall_seconds: float = 4.4
    cpu_seconds: float = 3.8
    memory_bytes: int = 384 * 2**20  # what the process holds beyond what it held when the run began
    call_depth: int = 30
    classes: int = 1_000  # class statements run (each builds a Python class: memory, and work along its bases)
    format_width: int = 200  # width / precision in a format spec
    # Jacobians the run records for the step-through page (one autograd.grad per output element): output
    # elements x graph nodes, summed over the passes, and only for the passes a result always keeps
    jacobian_work: int = 50_000
    # worker process (isolated runs only): the kernel's limits behind the budgets above, for what slips
    # between two checks (one numpy call): CPU time and address space a little above the budgets, and the
    # server kills the process after the hard timeout
    hard_timeout_seconds: float = 7.0
    # the niceness the run starts at: DEMOTED_NICENESS for a session that has kept the workers busy lately
    # (explorer/sandbox/recent_use.py), so that on a busy server the class's other runs go first
    niceness: int = 0
    hard_margin_seconds: float = 2.0  # RLIMIT_CPU is cpu_seconds + this
    address_margin_bytes: int = 128 * 2**20  # RLIMIT_AS is the address space at the start + memory_bytes + this


# The descent demo's loss is one expression in a and b, checked (loss_check) and evaluated (Interpreter.evaluate)
# under the same budgets, with room for a formula rather than a program.
LOSS_LIMITS = Limits(source_chars=500, ast_nodes=300)


LARGE_SEQUENCE = 65_536  # a string or list at least this long: look at the memory right away


class LimitExceeded(Exception):
    """A budget ran out; `key` is the catalogue key of its message, `params` fill it."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class Budget:
    """Counters of one run. `tick()` is called for every statement, loop turn and call."""

    # the clock and the memory are read every this many ticks (about 2 us a look): a loop whose every turn
    # copies a long list is still seen within a few turns
    CLOCK_EVERY = 32

    def __init__(self, limits: Limits):
        self.limits = limits
        self.steps = 0
        self.output_chars = 0
        self.tensor_bytes = 0
        self.graph_nodes = 0
        self.numpy_bytes = 0
        self.sequence_total = 0
        self.classes = 0
        self.started = time.monotonic()
        self.deadline = self.started + limits.wall_seconds
        self.cpu_started = time.process_time()
        self.memory_started = resident_bytes()
        self.memory_peak = self.memory_started
        self._next_clock = self.CLOCK_EVERY

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limits.statements:
            raise LimitExceeded("limit.statements", limit=self.limits.statements)
        if self.steps >= self._next_clock:
            self._next_clock = self.steps + self.CLOCK_EVERY
            self.check_clock()

    def check_clock(self) -> None:
        """Time and memory so far (every CLOCK_EVERY ticks and after each engine call)."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded("limit.wall_time", limit=f"{self.limits.wall_seconds:g}")
        used = time.process_time() - self.cpu_started
        if used > self.limits.cpu_seconds:
            raise LimitExceeded("limit.cpu_time", limit=f"{self.limits.cpu_seconds:g}")
        if DEMOTE_AFTER_CPU_SECONDS is not None and used > DEMOTE_AFTER_CPU_SECONDS:
            _demote()
        self.check_memory()

    def check_memory(self) -> None:
        now = resident_bytes()
        if now is None or self.memory_started is None:
            return
        self.memory_peak = max(self.memory_peak, now)
        if now - self.memory_started > self.limits.memory_bytes:
            raise LimitExceeded("limit.memory_used", size=round((now - self.memory_started) / 2**20),
                                limit=self.limits.memory_bytes // 2**20)

    @contextlib.contextmanager
    def interrupts(self):
        """While the program runs: timers that raise LimitExceeded where it is (the worker's main thread only;
        elsewhere, as in tests and the server, the checks above are the limit)."""
        if not INTERRUPTS or threading.current_thread() is not threading.main_thread():
            yield
            return

        def wall(signum, frame):
            raise LimitExceeded("limit.wall_time", limit=f"{self.limits.wall_seconds:g}")

        def cpu(signum, frame):
            raise LimitExceeded("limit.cpu_time", limit=f"{self.limits.cpu_seconds:g}")

        previous = signal.signal(signal.SIGALRM, wall), signal.signal(signal.SIGPROF, cpu)
        spent = time.monotonic() - self.started, time.process_time() - self.cpu_started
        signal.setitimer(signal.ITIMER_REAL, max(self.limits.wall_seconds - spent[0], 0.001))
        signal.setitimer(signal.ITIMER_PROF, max(self.limits.cpu_seconds - spent[1], 0.001))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGALRM, previous[0])
            signal.signal(signal.SIGPROF, previous[1])

    def check_int_bits(self, bits: int) -> None:
        if bits > self.limits.int_bits:
            raise LimitExceeded("limit.int_size", bits=bits, limit=self.limits.int_bits)

    def check_sequence(self, size: int) -> None:
        if size > self.limits.sequence_items:
            raise LimitExceeded("limit.sequence_size", size=size, limit=self.limits.sequence_items)

    def charge_sequence(self, size: int) -> None:
        """A new string or list of `size` items: within the per-object limit and the run's total."""
        self.check_sequence(size)
        self.sequence_total += size
        if self.sequence_total > self.limits.sequence_total:
            limit = self.limits.sequence_total
            raise LimitExceeded("limit.sequence_total", size=self.sequence_total, limit=limit)
        if size >= LARGE_SEQUENCE:
            self.check_memory()  # a big copy can grow the memory faster than the clock looks

    def check_elements(self, elements: int) -> None:
        if elements > self.limits.tensor_elements:
            raise LimitExceeded("limit.tensor_elements", size=elements, limit=self.limits.tensor_elements)

    def check_new_bytes(self, nbytes: int) -> None:
        """Before an allocation: would `nbytes` more fit in the run's tensor memory?"""
        if self.tensor_bytes + self.numpy_bytes + nbytes > self.limits.tensor_bytes:
            raise LimitExceeded(
                "limit.tensor_memory",
                size=round((self.tensor_bytes + self.numpy_bytes + nbytes) / 2**20, 1),
                limit=self.limits.tensor_bytes // 2**20,
            )

    def check_matmul(self, macs: int, decomposition: bool = False) -> None:
        if macs > self.limits.matmul_macs:
            key = "limit.decomposition_work" if decomposition else "limit.matmul_work"
            raise LimitExceeded(key, size=macs, limit=self.limits.matmul_macs)

    def add_tensors(self, nbytes: int, nodes: int) -> None:
        """After a call: the tensors it created (counted once each) and the graph nodes they carry."""
        self.tensor_bytes += nbytes
        self.graph_nodes += nodes
        if self.graph_nodes > self.limits.graph_nodes:
            raise LimitExceeded("limit.graph_nodes", limit=self.limits.graph_nodes)
        if self.tensor_bytes + self.numpy_bytes > self.limits.tensor_bytes:
            self.check_new_bytes(0)

    def add_numpy(self, nbytes: int) -> None:
        self.numpy_bytes += nbytes
        self.check_new_bytes(0)

    def add_class(self) -> None:
        self.classes += 1
        if self.classes > self.limits.classes:
            raise LimitExceeded("limit.classes", limit=self.limits.classes)

    def add_output(self, chars: int) -> None:
        self.output_chars += chars
        if self.output_chars > self.limits.output_chars:
            raise LimitExceeded("limit.output", limit=self.limits.output_chars)

    def stats(self) -> dict[str, float]:
        return {
            "statements": self.steps,
            "graph_nodes": self.graph_nodes,
            "tensor_bytes": self.tensor_bytes,
            "output_chars": self.output_chars,
            "cpu_seconds": round(time.process_time() - self.cpu_started, 4),
            "memory_peak_bytes": (self.memory_peak - self.memory_started) if self.memory_started else 0,
            "seconds": round(time.monotonic() - self.started, 4),
        }


# Set by the worker in its forked child (explorer/sandbox/worker.py), never in the server or in tests: the
# timers of Budget.interrupts, and the niceness a run takes once it has used this much processor time, so that
# a class's short runs go first on a busy server and a long one still finishes.
INTERRUPTS = False
DEMOTE_AFTER_CPU_SECONDS: float | None = None
DEMOTED_NICENESS = 10

_demoted = False
_statm: tuple[int, int] | None = None  # (pid, fd) of this process's /proc/self/statm
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _demote() -> None:
    global _demoted
    if not _demoted:
        _demoted = True
        set_niceness(DEMOTED_NICENESS)


def set_niceness(niceness: int) -> None:
    """Lower this process's priority to `niceness` (never raise it: an unprivileged process cannot)."""
    with contextlib.suppress(OSError):
        now = os.getpriority(os.PRIO_PROCESS, 0)
        if niceness > now:
            os.setpriority(os.PRIO_PROCESS, 0, niceness)


def resident_bytes() -> int | None:
    """The memory this process holds now (its resident set), or None where /proc cannot tell. About a
    microsecond: the file stays open (per process, so a forked child opens its own)."""
    global _statm
    pid = os.getpid()
    try:
        if _statm is None or _statm[0] != pid:
            _statm = (pid, os.open("/proc/self/statm", os.O_RDONLY))
        fields = os.pread(_statm[1], 128, 0).split()
        return int(fields[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def address_space_bytes() -> int | None:
    """The address space this process has mapped now, or None where /proc cannot tell."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None
