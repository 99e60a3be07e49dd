"""The Jacobian view for a recorded backward pass, computed through the sandbox.

The app never holds the user's live tensors (programs run in a worker process), so the Jacobian of a pass's
output with respect to one of its leaves is computed by running the program again with a fixed suffix that
builds J row by row with `torch.autograd.grad` on the retained graph. The suffix is our own text over the
user's variable names, which are checked to be plain identifiers first. No streamlit import.
"""

from __future__ import annotations

import keyword
import re

import numpy as np

from explorer.jacobian_view import JacobianView
from explorer.sandbox.result import RunResult

MAX_ELEMENTS = 64  # J has at most 64 x 64 entries: one autograd.grad per output element
MATRIX_NAME = "jacobian_matrix_"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

SUFFIX = """
{matrix} = torch.zeros({out}.numel(), {inp}.numel(), dtype=torch.float64)
for jacobian_i_ in range({out}.numel()):
    jacobian_seed_ = torch.zeros({out}.numel(), dtype={out}.dtype)
    jacobian_seed_[jacobian_i_] = 1.0
    jacobian_row_ = torch.autograd.grad({out}, ({inp},), grad_outputs=(jacobian_seed_.reshape({out}.shape),),
                                        retain_graph=True, allow_unused=True)[0]
    if jacobian_row_ is not None:
        {matrix}[jacobian_i_] = jacobian_row_.reshape(-1).double()
"""


def _plain_name(name: str) -> bool:
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)


def jacobian_program(source: str, output_name: str, input_name: str) -> str:
    """The user's program followed by the code that builds d output / d input, row by row."""
    if not (_plain_name(output_name) and _plain_name(input_name)):
        raise ValueError("output and input must be plain variable names")
    return source.rstrip("\n") + "\n" + SUFFIX.format(out=output_name, inp=input_name, matrix=MATRIX_NAME)


def _name_of(result: RunResult, tensor_id: str) -> str | None:
    name = result.names.get(tensor_id)
    info = result.tensors.get(name) if name else None
    # only the name's final binding can be reached by code appended after the program
    if info is None or f"t{info.tid}" != tensor_id:
        return None
    return name


def candidates(result: RunResult, pass_index: int) -> tuple[str | None, list[str]]:
    """(output name, leaf names) for which this pass's Jacobian can be drawn, or (None, [])."""
    if not result.ok or not 0 <= pass_index < len(result.passes):
        return None, []
    p = result.passes[pass_index]
    if p.kind != "backward" or len(p.root_tensors) != 1 or not p.retain_graph:
        return None, []
    out = _name_of(result, p.root_tensors[0])
    if out is None or int(np.prod(result.tensors[out].shape)) > MAX_ELEMENTS:
        return None, []
    leaves = []
    for ev in p.events:
        if ev.kind == "accumulate" and ev.tensor:
            name = _name_of(result, ev.tensor)
            if name and name not in leaves and int(np.prod(result.tensors[name].shape)) <= MAX_ELEMENTS:
                leaves.append(name)
    return (out, leaves) if leaves else (None, [])


def jacobian_from_run(result: RunResult, derived: RunResult, pass_index: int, output_name: str,
                      input_name: str) -> JacobianView:
    """J from the derived run; v and .grad (right after this pass) from the original run's trace."""
    if not derived.ok or MATRIX_NAME not in derived.tensors:
        raise ValueError(derived.error.message if derived.error is not None else "no Jacobian was computed")
    p = result.passes[pass_index]
    out_info = result.tensors[output_name]
    in_info = result.tensors[input_name]
    J = np.asarray(derived.tensors[MATRIX_NAME].value, dtype=np.float64)
    root = p.roots[0] if p.roots else None
    first = next((ev for ev in p.events if ev.node == root and ev.grad_in), None)
    v = np.ones(out_info.shape) if first is None else np.asarray(first.grad_in[0], dtype=np.float64)
    v = np.broadcast_to(v, out_info.shape)
    vjp = (v.reshape(-1) @ J).reshape(in_info.shape)
    leaf = f"t{in_info.tid}"
    grad = next((np.asarray(ev.after) for ev in p.events
                 if ev.kind == "accumulate" and ev.tensor == leaf and ev.after is not None), None)
    return JacobianView(J, np.array(v), vjp, grad, tuple(out_info.shape), tuple(in_info.shape))
