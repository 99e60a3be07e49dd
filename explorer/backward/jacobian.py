"""Vector-Jacobian products made visible: for a non-scalar output, `out.backward(v)` stores v^T J in .grad.

The Jacobian is built row by row on the existing graph (one `autograd.grad` per output element, the graph
retained), so it works on whatever the user's program computed, no function re-run needed. In the sandbox it
is built during the run itself: right before a pass of `out.backward(v, retain_graph=True)` runs, the run's
recorder (explorer/sandbox/runner.py) computes `record_jacobian(out)` on the graph as it stands, and the
result carries it to the step-through page (`candidates`, `jacobian_of`). The figure is in
explorer/backward/figures.py. No streamlit or plotly import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

import engine
from engine.graph import tensor_id
from explorer.text import t

if TYPE_CHECKING:  # the sandbox's runner imports this module to record Jacobians
    from explorer.sandbox.result import RunResult

MAX_ELEMENTS = 64  # J has at most 64 x 64 entries: one autograd.grad per output element


class GraphReleasedError(RuntimeError):
    """The output's graph was freed, so its Jacobian cannot be built row by row any more."""

    def message(self, lang: str = "en") -> str:
        return t("jacobian.released", lang)


@dataclass(frozen=True)
class JacobianView:
    jacobian: np.ndarray  # (out.numel(), inp.numel()), row-major flattening of both
    v: np.ndarray  # output's shape
    vjp: np.ndarray  # v^T J reshaped to the input's shape
    grad: np.ndarray | None  # the .grad the program obtained (input's shape)
    out_shape: tuple
    in_shape: tuple

    @property
    def ratio(self) -> int | None:
        """k when .grad == k * v^T J for a whole k >= 1 (backward called k times), else None."""
        if self.grad is None:
            return None
        scale = float(np.vdot(self.vjp, self.vjp))
        if scale == 0:
            return 1 if np.allclose(self.grad, 0) else None
        k = round(float(np.vdot(self.grad, self.vjp)) / scale)
        if k >= 1 and np.allclose(self.grad, k * self.vjp, rtol=1e-5, atol=1e-6):
            return k
        return None

    @property
    def matches(self) -> bool:
        return self.ratio == 1

    def verdict(self, lang: str = "en") -> str:
        if self.grad is None:
            return t("jacobian.no_grad", lang)
        k = self.ratio
        if k == 1:
            return t("jacobian.match", lang)
        if k is not None:
            return t("jacobian.multiple", lang, k=k)
        return t("jacobian.differs", lang)


def jacobian_matrices(output, inputs) -> list[np.ndarray]:
    """J[i, j] = d out.flatten()[i] / d inp.flatten()[j] for each input, one backward per output element."""
    m = int(np.prod(output.shape))
    rows = [np.zeros((m, int(np.prod(inp.shape))), dtype=np.float64) for inp in inputs]
    for i in range(m):
        seed = np.zeros(m)
        seed[i] = 1.0
        v = engine.tensor(seed.reshape(tuple(output.shape)), dtype=output.dtype)
        try:
            grads = engine.autograd.grad(output, tuple(inputs), grad_outputs=(v,), retain_graph=True,
                                         allow_unused=True)
        except RuntimeError as err:
            if "backward through the graph a second time" in str(err):
                raise GraphReleasedError(t("jacobian.released", "en")) from err
            raise
        for matrix, g in zip(rows, grads):
            if g is not None:
                matrix[i] = g.detach().numpy().reshape(-1)
    return rows


def jacobian_matrix(output, inp) -> np.ndarray:
    """J[i, j] = d out.flatten()[i] / d inp.flatten()[j], one backward per output element."""
    return jacobian_matrices(output, (inp,))[0]


def jacobian_view(output, inp, v=None, grad=None) -> JacobianView:
    """J, v (ones like the output by default), v^T J, and the .grad to compare (default: inp.grad)."""
    J = jacobian_matrix(output, inp)
    out_shape = tuple(output.shape)
    in_shape = tuple(inp.shape)
    v_arr = np.ones(out_shape) if v is None else np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
    vjp = (v_arr.reshape(-1).astype(np.float64) @ J).reshape(in_shape)
    if grad is None and getattr(inp, "grad", None) is not None:
        grad = inp.grad
    g_arr = None if grad is None else np.asarray(grad.detach().numpy() if hasattr(grad, "detach") else grad)
    return JacobianView(J, v_arr, vjp, g_arr, out_shape, in_shape)


# --- the Jacobian of a recorded pass ---------------------------------------------------------------------


@dataclass(frozen=True)
class PassJacobian:
    """The Jacobian of a backward pass's output, taken right before the pass ran."""

    output: str  # the output's tensor id
    out_shape: tuple
    inputs: dict  # leaf tensor id -> (the leaf's shape, J as an (out.numel(), leaf.numel()) array)


def reachable_leaves(output) -> list:
    """The leaves whose .grad a backward from `output` reaches, in the order next_functions meets them."""
    seen: set = set()
    leaves = []
    stack = [output.grad_fn] if output.grad_fn is not None else []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if type(node).__name__ == "AccumulateGrad":
            leaves.append(node.variable)
            continue
        stack.extend(fn for fn, _ in reversed(node.next_functions))
    return leaves


def record_jacobian(output) -> PassJacobian | None:
    """J of `output` (at most MAX_ELEMENTS elements) with respect to each reachable leaf of at most MAX_ELEMENTS
    elements, on the graph as it stands; None when there is nothing of that size to show."""
    if output.numel() > MAX_ELEMENTS:
        return None
    leaves = [leaf for leaf in reachable_leaves(output) if leaf.numel() <= MAX_ELEMENTS]
    if not leaves:
        return None
    matrices = jacobian_matrices(output, leaves)
    inputs = {tensor_id(leaf): (tuple(leaf.shape), matrix) for leaf, matrix in zip(leaves, matrices)}
    return PassJacobian(tensor_id(output), tuple(output.shape), inputs)


def _recorded(result: RunResult, pass_index: int) -> PassJacobian | None:
    if not 0 <= pass_index < len(result.passes):
        return None
    return result.jacobians.get(result.passes[pass_index].index)


def candidates(result: RunResult, pass_index: int) -> tuple[str | None, list[str]]:
    """(output name, leaf names) for which this pass's Jacobian can be drawn, or (None, [])."""
    recorded = _recorded(result, pass_index)
    out = None if recorded is None else result.names.get(recorded.output)
    if out is None:
        return None, []
    leaves = []
    for ev in result.passes[pass_index].events:  # in the order the pass reached them
        name = result.names.get(ev.tensor) if ev.kind == "accumulate" else None
        if name and name not in leaves and ev.tensor in recorded.inputs:
            leaves.append(name)
    return (out, leaves) if leaves else (None, [])


def jacobian_of(result: RunResult, pass_index: int, output_name: str, input_name: str) -> JacobianView:
    """J as recorded during the run; v and .grad (right after this pass) from the pass's trace."""
    recorded = _recorded(result, pass_index)
    if recorded is None or result.names.get(recorded.output) != output_name:
        raise ValueError(f"no Jacobian of {output_name!r} was recorded for this pass")
    leaf = next((i for i in recorded.inputs if result.names.get(i) == input_name), None)
    if leaf is None:
        raise ValueError(f"no Jacobian with respect to {input_name!r} was recorded for this pass")
    in_shape, J = recorded.inputs[leaf]
    p = result.passes[pass_index]
    root = p.roots[0] if p.roots else None
    first = next((ev for ev in p.events if ev.node == root and ev.grad_in), None)
    v = np.ones(recorded.out_shape) if first is None else np.asarray(first.grad_in[0], dtype=np.float64)
    v = np.broadcast_to(v, recorded.out_shape)
    vjp = (v.reshape(-1) @ J).reshape(in_shape)
    grad = next((np.asarray(ev.after) for ev in p.events
                 if ev.kind == "accumulate" and ev.tensor == leaf and ev.after is not None), None)
    return JacobianView(J, np.array(v), vjp, grad, recorded.out_shape, in_shape)
