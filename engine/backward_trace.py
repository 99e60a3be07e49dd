"""A record of each backward pass, event by event, for the step-through view.

`record()` turns recording on for the code inside it; the engine tests one global per backward call and per
node only while a recorder is active, so normal runs pay nothing. Events hold copies of the numbers, so later
in-place changes (`grad.zero_()`, a second backward) do not rewrite history.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .graph import backward_graph, node_id, tensor_id

ACTIVE: list = [None]  # the recorder of the innermost record() block, which the backward pass reports to


def _copy(x):
    if x is None:
        return None
    data = getattr(x, "_data", x)
    return np.array(data, copy=True)


@dataclass(frozen=True)
class TraceEvent:
    step: int
    kind: str  # "run" | "accumulate" | "retain_grad" | "hook" | "capture"
    node: str  # "n{seq}"
    name: str  # grad_fn name, e.g. "MulBackward0"
    grad_in: tuple = ()  # gradient(s) the node received
    grads_out: tuple = ()  # per next_functions slot: gradient sent, or None
    targets: tuple = ()  # per next_functions slot: node id, or None
    tensor: str | None = None  # "t{tid}" for accumulate / retain_grad / hook on a tensor
    before: Any = None  # .grad before accumulation, or grad before a hook
    after: Any = None  # .grad after accumulation, or grad after a hook


@dataclass
class BackwardPass:
    index: int
    kind: str  # "backward" | "grad"
    root_tensors: tuple
    roots: tuple
    create_graph: bool
    retain_graph: bool
    graph: Any = None  # networkx.DiGraph: backward_graph snapshot taken before the pass ran
    events: list = field(default_factory=list)
    error: str | None = None

    # -------- called by the engine
    def _add(self, **kw):
        self.events.append(TraceEvent(step=len(self.events), **kw))

    def run(self, node, g, grads_out):
        grad_in = tuple(_copy(x) for x in g) if isinstance(g, tuple) else (_copy(g),)
        self._add(kind="run", node=node_id(node), name=type(node).__name__, grad_in=grad_in,
                  grads_out=tuple(_copy(x) for x in grads_out),
                  targets=tuple(None if n is None else node_id(n) for n in node._next))

    def accumulate(self, node, var, before, incoming, after):
        self._add(kind="accumulate", node=node_id(node), name="AccumulateGrad", grad_in=(_copy(incoming),),
                  tensor=tensor_id(var), before=before, after=_copy(after))

    def hook(self, node, tensor, before, after):
        self._add(kind="hook", node=node_id(node), name=type(node).__name__, grad_in=(_copy(before),),
                  tensor=tensor_id(tensor), before=_copy(before), after=_copy(after))

    def retain(self, node, tensor, g):
        self._add(kind="retain_grad", node=node_id(node), name=type(node).__name__, grad_in=(_copy(g),),
                  tensor=tensor_id(tensor), after=_copy(tensor._grad))

    def capture(self, node, g):
        grad_in = tuple(_copy(x) for x in g) if isinstance(g, tuple) else (_copy(g),)
        self._add(kind="capture", node=node_id(node), name=type(node).__name__, grad_in=grad_in)


class Recorder:
    def __init__(self, max_passes: int | None = None, snapshot_graph: bool = True):
        self.passes: list[BackwardPass] = []
        self.max_passes = max_passes
        self.snapshot_graph = snapshot_graph
        self.dropped = 0
        self._count = 0

    def begin(self, kind, roots, root_nodes, create_graph, retain_graph):
        self._count += 1
        if self.max_passes is not None and len(self.passes) >= self.max_passes:
            self.dropped += 1
            return None
        graph = backward_graph(root_nodes) if self.snapshot_graph else None
        p = BackwardPass(index=self._count - 1, kind=kind, root_tensors=tuple(tensor_id(t) for t in roots),
                         roots=tuple(node_id(n) for n in root_nodes), create_graph=bool(create_graph),
                         retain_graph=bool(retain_graph), graph=graph)
        self.passes.append(p)
        return p


@contextmanager
def record(max_passes: int | None = None, snapshot_graph: bool = True):
    """Record every backward pass and autograd.grad call made inside the block."""
    rec = Recorder(max_passes, snapshot_graph)
    prev = ACTIVE[0]
    ACTIVE[0] = rec
    try:
        yield rec
    finally:
        ACTIVE[0] = prev
