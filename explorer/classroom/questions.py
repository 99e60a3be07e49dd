"""The questions a run offers, with their expected answers and what plausible mistakes would give.

Three kinds, each with an id that a link can carry (explorer/classroom/exercises.py reads and writes them):

- `s{pass}.{step}.{slot}`, "sends": what the node that runs at this step of the pass sends to its input
  `slot`, which is incoming gradient × local derivative, summed back over broadcast dimensions.
- `g{pass}.{step}`, "grad": a leaf's `.grad` after its AccumulateGrad at this step: old .grad + incoming,
  where the incoming gradient is itself the sum of what every path sent to the leaf.
- `d0` / `d1`, "descent": where gradient descent ends on the descent demo's loss, without / with detach().

Only tensors of at most MAX_ELEMENTS elements are asked: an answer is typed by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from explorer.backward.frames import DEFAULT_ATTRS, Frame, frames_from_pass

MAX_ELEMENTS = 36
ID = re.compile(r"^(?:s\d{1,4}\.\d{1,5}\.\d{1,2}|g\d{1,4}\.\d{1,5}|d[01])$")


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "sends" | "grad" | "descent"
    expected: np.ndarray
    pass_index: int = 0
    step: int = 0  # the frame's index in its pass
    slot: int = 0
    node: str = ""  # the backward node that runs ("PowBackward0"), or the leaf's name for "grad"
    target: str = ""  # what it sends to: "AddBackward0" or "AccumulateGrad (w)"
    input_name: str = ""  # the input's name in the formula ("self", "other", "mat2")
    forward: str = ""  # the node's forward formula ("result = self ** exponent")
    formula: str = ""  # the VJP as text ("grad_self = grad * exponent * self ** (exponent - 1)")
    received: np.ndarray | None = None  # the gradient the node received (the incoming gradient)
    given: dict = field(default_factory=dict)  # the saved values and arguments the formula reads
    local: np.ndarray | None = None  # the VJP with ones for the incoming gradient, summed to the input's shape
    unreduced: np.ndarray | None = None  # the VJP before the broadcast sum (None when nothing was broadcast)
    old: np.ndarray | None = None  # "grad": .grad before this pass (None the first time)
    contributions: tuple = ()  # "grad": what each path sent to the leaf in this pass
    other_end: np.ndarray | None = None  # "descent": where the other variant ends
    start: np.ndarray | None = None  # "descent": where the descent starts
    detached: bool = False  # "descent": the variant with detach()


def _small(value) -> bool:
    return (isinstance(value, np.ndarray) and value.size <= MAX_ELEMENTS) or np.isscalar(value)


def reduce_to(value: np.ndarray, shape: tuple) -> np.ndarray | None:
    """`value` summed over the dimensions broadcasting added or stretched to make it from `shape`, as the
    backward pass does; None when `shape` does not broadcast to value's shape."""
    value = np.asarray(value, dtype=np.float64)
    shape = tuple(shape)
    if len(shape) > value.ndim:
        return None
    lead = value.ndim - len(shape)
    out = value.sum(axis=tuple(range(lead))) if lead else value
    for axis, size in enumerate(shape):
        if size == 1 and out.shape[axis] != 1:
            out = out.sum(axis=axis, keepdims=True)
        elif size != out.shape[axis]:
            return None
    return out


def _vjp(op: dict, slot: int, grad: np.ndarray):
    """The registry's VJP of input `slot` applied to `grad` (before the broadcast sum), or None when it
    cannot be worked out from what the node kept."""
    try:
        import engine
        from engine.ops import REGISTRY

        entry = REGISTRY[op["op"]]
        derivative = entry.derivatives[slot]
        if derivative is None:
            return None
        values = {**DEFAULT_ATTRS, **(op.get("attrs") or {})}
        for name, saved in (op.get("saved") or {}).items():
            if not isinstance(saved, np.ndarray) or saved.size > 4096:
                return None
            values[name] = engine.tensor(saved)
        with engine.no_grad():
            out = derivative(engine.tensor(np.asarray(grad, dtype=np.float32)), values)
        return np.asarray(out.numpy(), dtype=np.float64)
    except Exception:  # a missing saved value, an argument the node did not keep: no such mistake to diagnose
        return None


def _input_name(op: dict, slot: int) -> tuple[str, str]:
    formulas = op.get("backward_formulas") or ()
    formula = formulas[slot] if slot < len(formulas) else ""
    lhs = formula.partition(" = ")[0]
    return (lhs[5:] if lhs.startswith("grad_") else f"input {slot}"), formula


def _given(op: dict, formula: str) -> dict:
    rhs = formula.partition(" = ")[2]
    out = {}
    for name, value in {**(op.get("saved") or {}), **(op.get("attrs") or {})}.items():
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", rhs):
            out[name] = value
    return out


def pass_questions(result, pass_index: int, frames: list[Frame] | None = None) -> list[Question]:
    """Every question one recorded pass offers, in the pass's order."""
    backward_pass = result.passes[pass_index]
    graph = backward_pass.graph
    if frames is None:
        frames = frames_from_pass(backward_pass, "en", result.names)
    names = dict(result.names)
    out: list[Question] = []
    for frame in frames:
        op = dict(graph.nodes[frame.node]) if graph is not None and frame.node in graph else {}
        received = np.asarray(frame.received[0], dtype=np.float64) if frame.received else None
        if frame.kind == "run" and not op.get("source"):
            for sent in frame.sent:
                if sent.target is None or sent.gradient is None or not _small(sent.gradient):
                    continue
                expected = np.asarray(sent.gradient, dtype=np.float64)
                input_name, formula = _input_name(op, sent.slot)
                target = sent.target_name or sent.target
                if graph is not None and sent.target in graph and graph.nodes[sent.target].get("kind") == "accumulate":
                    tensor = graph.nodes[sent.target].get("tensor")
                    target = f"{target} ({names.get(tensor) or graph.nodes[sent.target].get('tensor_name') or tensor})"
                local = unreduced = None
                if received is not None:
                    full = _vjp(op, sent.slot, received)
                    if full is not None and full.shape != expected.shape:
                        unreduced = full
                    ones = _vjp(op, sent.slot, np.ones_like(received))
                    if ones is not None:
                        local = reduce_to(ones, expected.shape) if ones.shape != expected.shape else ones
                out.append(Question(
                    f"s{pass_index}.{frame.index}.{sent.slot}", "sends", expected, pass_index, frame.index,
                    sent.slot, frame.name, target, input_name, op.get("formula") or "", formula, received,
                    _given(op, formula), local, unreduced))
        elif frame.kind == "accumulate" and frame.accumulation is not None:
            acc = frame.accumulation
            if not _small(acc.new):
                continue
            contributions = tuple(np.asarray(s.gradient, dtype=np.float64) for f in frames[:frame.index]
                                  for s in f.sent if s.target == frame.node and s.gradient is not None)
            leaf = names.get(acc.tensor) or acc.tensor
            out.append(Question(
                f"g{pass_index}.{frame.index}", "grad", np.asarray(acc.new, dtype=np.float64), pass_index,
                frame.index, 0, leaf, "", "", op.get("formula") or "", "", received, {},
                old=None if acc.old is None else np.asarray(acc.old, dtype=np.float64),
                contributions=contributions))
    return out


def run_questions(result) -> list[Question]:
    """Every question a run offers, pass by pass."""
    out: list[Question] = []
    for index in range(len(result.passes)):
        out.extend(pass_questions(result, index))
    return out


def interesting(question: Question) -> bool:
    """Asked by default: every gradient a node sends, and a leaf's .grad where something adds up (a second
    pass, or several paths); a first .grad that is just the incoming gradient is no question."""
    return question.kind != "grad" or question.old is not None or len(question.contributions) > 1


def descent_questions(demo) -> list[Question]:
    """Where the demo's descent ends, without (d0) and with detach() (d1), when the demo has both."""
    if demo is None or demo.detached is None:
        return []
    ends = [np.array(v.path.end, dtype=np.float64) for v in (demo.true, demo.detached)]
    start = np.array(demo.start, dtype=np.float64)
    given = {"lr": demo.lr, "steps": demo.steps}
    return [Question(f"d{i}", "descent", ends[i], node=variant.loss.text, given=given,
                     other_end=ends[1 - i], start=start, detached=bool(i))
            for i, variant in enumerate((demo.true, demo.detached))]
