"""The backward pass step by step, as text: one frame per event of the engine's trace, in the engine's order.

A frame says which node runs, the gradient it received, its VJP formula with the actual numbers put in,
what it sends to each input, and for a leaf the accumulation `old .grad + incoming = new .grad`, which is
why calling backward twice doubles a gradient and `zero_()` resets it. A custom autograd.Function's node has
no formula of the engine's: its formula is the program's own `backward`, shown as written, then what it
returned for each input. Frames are plain data for a
server-side previous/next view; explorer/backward/figures.py draws the pass at a step and as a browser
animation.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

import networkx as nx
import numpy as np

from explorer.sandbox.result import RunResult
from explorer.text import t
from explorer.text.values import format_number, value_text

INLINE_SIZE = 6  # values up to this many elements are written into the formula itself
DEFAULT_ATTRS = {"alpha": 1}  # PyTorch's defaults for arguments the formulas name but calls often omit



@dataclass(frozen=True)
class Sent:
    slot: int
    target: str | None  # backward node id, None for a (None, 0) slot
    target_name: str | None
    gradient: np.ndarray | None


@dataclass(frozen=True)
class Accumulation:
    tensor: str
    old: np.ndarray | None  # .grad before (None the first time)
    incoming: np.ndarray
    new: np.ndarray


@dataclass(frozen=True)
class Frame:
    index: int
    step: int
    kind: str  # the trace event's kind: run, accumulate, retain_grad, hook, capture
    node: str
    name: str
    tensor: str | None
    received: tuple
    sent: tuple[Sent, ...]
    formula_lines: tuple[str, ...]
    accumulation: Accumulation | None
    lines: tuple[str, ...]  # the whole frame as text, in the frame's language

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_IDENT = r"(?<![A-Za-z0-9_]){}(?![A-Za-z0-9_])"


def substitute(expression: str, values: dict) -> str:
    """Put numbers in place of the names of a formula's right-hand side (whole identifiers only)."""
    for name in sorted(values, key=len, reverse=True):
        expression = re.sub(_IDENT.format(re.escape(name)), lambda _m, n=name: values[n], expression)
    return expression


def _in_formula(v, lang: str) -> str:
    """A value inside an expression: negative numbers get brackets so -0.5 ** 2 reads right."""
    text = _as_text(v, lang)
    return f"({text})" if text.startswith("-") else text


def _as_text(v, lang: str, one_line: bool = True) -> str:
    if isinstance(v, np.ndarray) or np.ndim(v) > 0:
        return value_text(v, lang, one_line=one_line)
    return format_number(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else repr(v)


def _short(v, lang: str) -> str:
    """Vectors stay on one line; matrices get a line per row."""
    return _as_text(v, lang, one_line=np.ndim(v) <= 1)


def vjp_lines(op: dict, grad_in: tuple, grads_out: tuple, lang: str = "en", needed=None) -> list[str]:
    """Each input's backward formula, then the same with numbers put in, then the result.

    needed: per input, whether a gradient is wanted there; PyTorch skips the others (None slots).
    """
    grad = grad_in[0] if grad_in else None
    known: dict = {}
    if grad is not None:
        known["grad"] = grad
    known.update((op.get("saved") or {}).items())
    known.update(DEFAULT_ATTRS)
    known.update((op.get("attrs") or {}).items())
    lines: list[str] = []
    for slot, formula in enumerate(op.get("backward_formulas") or ()):
        if needed is not None and slot < len(needed) and not needed[slot]:
            continue
        lines.append(t("frame.vjp", lang, i=slot, f=formula))
        lhs, sep, rhs = formula.partition(" = ")
        if not sep:
            continue
        used = [n for n in known if re.search(_IDENT.format(re.escape(n)), rhs)]
        inline = all(np.size(known[n]) <= INLINE_SIZE for n in used)
        result = grads_out[slot] if slot < len(grads_out) else None
        result_text = None
        if result is not None:
            result_text = _as_text(result, lang, one_line=np.size(result) <= INLINE_SIZE)
        if used and inline:
            filled = substitute(rhs, {n: _in_formula(known[n], lang) for n in used})
            if filled != result_text:  # "grad_self = grad" needs no middle step
                lines.append("  = " + filled)
        else:
            lines.extend(t("frame.where", lang, name=n, v=_as_text(known[n], lang, one_line=False)) for n in used)
        if result_text is not None:
            lines.append(f"  {lhs} = {result_text}")
    return lines


def user_backward_source(source: str | None) -> str | None:
    """The `backward` method of a custom Function's class (the class's code, as the graph export carries it),
    dedented; None when it cannot be found."""
    if not source:
        return None
    text = textwrap.dedent(source)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "backward":
                    segment = ast.get_source_segment(text, item, padded=True)
                    return textwrap.dedent(segment) if segment else None
    return None


def user_backward_lines(op: dict, grads_out: tuple, lang: str = "en", needed=None) -> list[str]:
    """A custom Function's formula: its backward as written, then the gradient it returned for each input."""
    function = str(op.get("op") or re.sub(r"Backward$", "", str(op.get("name") or "")))
    lines = [t("frame.user_backward", lang, name=function)]
    lines.extend("  " + line for line in (user_backward_source(op.get("source")) or "").splitlines())
    for slot, gradient in enumerate(grads_out):
        if needed is not None and slot < len(needed) and not needed[slot]:
            continue
        if gradient is not None:
            lines.append(t("frame.user_gradient", lang, i=slot, v=_short(gradient, lang)))
    return lines


def accumulation_lines(acc: Accumulation, lang: str = "en") -> list[str]:
    if acc.old is None:
        return [t("frame.first", lang), f"  {_as_text(acc.incoming, lang, False)}"]
    return [t("frame.accumulation", lang),
            f"  {_as_text(acc.old, lang)} + {_as_text(acc.incoming, lang)} = {_as_text(acc.new, lang)}"
            if max(np.size(acc.old), np.size(acc.new)) <= INLINE_SIZE else
            "\n".join([f"  {_as_text(acc.old, lang, False)}", "+", f"  {_as_text(acc.incoming, lang, False)}",
                       "=", f"  {_as_text(acc.new, lang, False)}"])]


def _variable_name(graph: nx.DiGraph, node: str, tensor: str | None, names: dict | None) -> str | None:
    """The program's name for the tensor of a node (an AccumulateGrad's leaf), or None: never our ids."""
    if tensor is None and node in graph:
        tensor = graph.nodes[node].get("tensor")  # AccumulateGrad knows its leaf
    if names and tensor in names:
        return names[tensor]
    if node in graph and graph.nodes[node].get("tensor_name"):
        return str(graph.nodes[node]["tensor_name"])
    return None


def _tensor_name(graph: nx.DiGraph, node: str, tensor: str | None, names: dict | None, lang: str = "en") -> str:
    return _variable_name(graph, node, tensor, names) or t("frame.unnamed", lang)


def grad_fn_owners(result: RunResult) -> dict[str, str]:
    """{backward node id: the variable name of the tensor it made} (z for the AddBackward0 of z = x + y), read
    off the run's forward graph: how a learner knows a grad_fn (z.grad_fn)."""
    graph = result.forward_graph
    owners: dict[str, str] = {}
    if graph is None:
        return owners
    for node, data in graph.nodes(data=True):
        if data.get("kind") != "op":
            continue
        for made in graph.successors(node):
            name = graph.nodes[made].get("name")
            if name:
                owners[node] = str(name)
                break
    return owners


def _input_name(op: dict, slot: int) -> str | None:
    """"self" for input 0 of an op whose formula reads grad_self = ..., None when the op has no formulas."""
    formulas = op.get("backward_formulas") or ()
    if slot < len(formulas):
        lhs = str(formulas[slot]).partition(" = ")[0].strip()
        if lhs.startswith("grad_") and lhs[5:].isidentifier():
            return lhs[5:]
    return None


def _sends_line(graph: nx.DiGraph, op: dict, slot: int, target: str, gradient, lang: str, names: dict | None,
                owners: dict | None) -> str:
    """Where a gradient goes, named as the learner knows it: the op's name and the tensor it made (its variable,
    or which input of this node it is), or the leaf whose .grad it goes into. Never our node or tensor ids."""
    input_name = _input_name(op, slot)
    grad = f"grad_{input_name}" if input_name else t("frame.grad_of_input", lang, i=slot)
    what = t("frame.input_named", lang, i=slot, name=input_name) if input_name else t("frame.input", lang, i=slot)
    value = _short(gradient, lang)
    data = graph.nodes[target] if target in graph else {}
    if data.get("kind") == "accumulate":
        leaf = _variable_name(graph, target, None, names)
        if leaf:
            return t("frame.sends_to_leaf", lang, grad=grad, leaf=leaf, v=value)
        return t("frame.sends_to_unnamed_leaf", lang, grad=grad, what=what, v=value)
    made = (owners or {}).get(target)
    return t("frame.sends_to_fn", lang, grad=grad, target=data.get("name") or "?", what=made or what, v=value)


def frames_from_pass(backward_pass, lang: str = "en", names: dict | None = None,
                     owners: dict | None = None) -> list[Frame]:
    """One Frame per trace event, in the trace's order. names: optional {"t{tid}": variable name}; owners:
    optional {backward node id: variable name of the tensor it made} (grad_fn_owners)."""
    graph = backward_pass.graph if backward_pass.graph is not None else nx.DiGraph()  # snapshot may be off
    total = len(backward_pass.events)
    frames = []
    for index, ev in enumerate(backward_pass.events):
        op = dict(graph.nodes[ev.node]) if ev.node in graph else {}
        who = _tensor_name(graph, ev.node, ev.tensor, names, lang)
        heading = {
            "run": t("frame.runs", lang, name=ev.name),
            "accumulate": t("frame.accumulates", lang, tensor=who),
            "retain_grad": t("frame.retains", lang, tensor=who),
            "hook": t("frame.hook", lang, tensor=who),
            "capture": t("frame.capture", lang, tensor=who),
        }.get(ev.kind, ev.name)
        lines = [f"{t('frame.step', lang, i=index + 1, n=total)}: {heading}"]
        received = tuple(ev.grad_in or ())
        if received:
            lines.append(t("frame.received", lang, v=_short(received[0], lang)))
        formula_lines: list[str] = []
        sent: list[Sent] = []
        accumulation = None
        if ev.kind == "run":
            if op.get("formula"):
                lines.append(t("frame.forward", lang, f=op["formula"]))
            needed = tuple(target is not None for target in ev.targets or ())
            if op.get("source") and user_backward_source(op.get("source")):
                formula_lines = user_backward_lines(op, tuple(ev.grads_out or ()), lang, needed or None)
            else:
                formula_lines = vjp_lines(op, received, tuple(ev.grads_out or ()), lang, needed or None)
            lines.extend(formula_lines)
            for slot, target in enumerate(ev.targets or ()):
                g = ev.grads_out[slot] if slot < len(ev.grads_out or ()) else None
                target_name = graph.nodes[target].get("name") if target in graph else None
                sent.append(Sent(slot, target, target_name, g))
                if target is None:
                    lines.append(t("frame.sends_none", lang, i=slot))
                else:
                    lines.append(_sends_line(graph, op, slot, target, g, lang, names, owners))
        elif ev.kind == "accumulate":
            incoming = received[0] if received else None
            accumulation = Accumulation(ev.tensor or who, ev.before, incoming, ev.after)
            formula_lines = accumulation_lines(accumulation, lang)
            lines.extend(formula_lines)
        elif ev.kind == "hook":
            formula_lines = [t("frame.hook_change", lang, b=_as_text(ev.before, lang), a=_as_text(ev.after, lang))]
            lines.extend(formula_lines)
        elif ev.kind in ("retain_grad", "capture") and ev.after is not None:
            lines.append(t("frame.value", lang, v=_as_text(ev.after, lang, one_line=False)))
        frames.append(Frame(index, ev.step, ev.kind, ev.node, ev.name, ev.tensor, received, tuple(sent),
                            tuple(formula_lines), accumulation, tuple(lines)))
    return frames


def clamp_step(index: int, count: int) -> int:
    """Server-side previous/next: stay within 0..count-1 (0 when there are no frames)."""
    return 0 if count <= 0 else max(0, min(count - 1, index))


def pass_label(result: RunResult, index: int, lang: str = "en") -> str:
    p = result.passes[index]
    roots = ", ".join(result.names.get(r) or t("frame.unnamed", lang) for r in p.root_tensors) or "?"
    return t("step.pass_label", lang, k=p.index + 1, kind=p.kind, roots=roots, n=len(p.events))
