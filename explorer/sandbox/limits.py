"""The budgets a program runs under, and the running counters that enforce them.

Each budget has its own message (catalogue key "limit.*", explorer/text/). The numbers leave the lessons
plenty of room: the seeds use under 200 statements and a few KB of tensors, the 100-step descent loop about 700
statements and 1,500 graph nodes, a 64x784 -> 128 -> 10 MLP step about 1 MB of tensors and 10^7 multiply-adds.
"""

from __future__ import annotations

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
    wall_seconds: float = 10.0
    call_depth: int = 30
    classes: int = 1_000  # class statements run (each builds a Python class: memory, and work along its bases)
    format_width: int = 200  # width / precision in a format spec
    # Jacobians the run records for the step-through page (one autograd.grad per output element): output
    # elements x graph nodes, summed over the passes, and only for the passes a result always keeps
    jacobian_work: int = 50_000
    # worker process (isolated runs only)
    hard_timeout_seconds: float = 20.0  # the parent kills the worker after this
    cpu_seconds: int = 25
    address_space_bytes: int = 3 * 2**30


# The descent demo's loss is one expression in a and b, checked (loss_check) and evaluated (Interpreter.evaluate)
# under the same budgets, with room for a formula rather than a program.
LOSS_LIMITS = Limits(source_chars=500, ast_nodes=300)


class LimitExceeded(Exception):
    """A budget ran out; `key` is the catalogue key of its message, `params` fill it."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class Budget:
    """Counters of one run. `tick()` is called for every statement, loop turn and call."""

    # the clock is read every this many ticks: cheap, and still stops a loop within milliseconds
    CLOCK_EVERY = 256

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
        self._next_clock = self.CLOCK_EVERY

    def tick(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limits.statements:
            raise LimitExceeded("limit.statements", limit=self.limits.statements)
        if self.steps >= self._next_clock:
            self._next_clock = self.steps + self.CLOCK_EVERY
            self.check_clock()

    def check_clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded("limit.wall_time", limit=f"{self.limits.wall_seconds:g}")

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

    def check_matmul(self, macs: int) -> None:
        if macs > self.limits.matmul_macs:
            raise LimitExceeded("limit.matmul_work", size=macs, limit=self.limits.matmul_macs)

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
            "seconds": round(time.monotonic() - self.started, 4),
        }
