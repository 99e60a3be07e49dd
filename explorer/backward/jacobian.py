"""Vector-Jacobian products made visible: for a non-scalar output, `out.backward(v)` stores v^T J in .grad.

The Jacobian is built row by row on the existing graph (one `autograd.grad` per output element, the graph
retained), so it works on whatever the user's program computed, no function re-run needed.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.graph.figures import THEMES
from explorer.sandbox.result import RunResult
from explorer.text import t


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


def jacobian_matrix(output, inp) -> np.ndarray:
    """J[i, j] = d out.flatten()[i] / d inp.flatten()[j], one backward per output element."""
    import engine  # the explorer's own engine; imported here so pure figure code does not need it

    m = int(np.prod(output.shape))
    n = int(np.prod(inp.shape))
    rows = np.zeros((m, n), dtype=np.float64)
    for i in range(m):
        seed = np.zeros(m)
        seed[i] = 1.0
        v = engine.tensor(seed.reshape(tuple(output.shape)), dtype=output.dtype)
        try:
            (g,) = engine.autograd.grad(output, (inp,), grad_outputs=(v,), retain_graph=True,
                                        allow_unused=True)
        except RuntimeError as err:
            if "backward through the graph a second time" in str(err):
                raise GraphReleasedError(t("jacobian.released", "en")) from err
            raise
        if g is not None:
            rows[i] = g.detach().numpy().reshape(-1)
    return rows


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


def _as_matrix(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:
        return a
    return a.reshape(1, -1) if a.ndim <= 1 else a.reshape(a.shape[0], -1)


def _heatmap(a: np.ndarray, show_text: bool) -> go.Heatmap:
    m = _as_matrix(np.asarray(a, dtype=np.float64))
    return go.Heatmap(
        z=m, colorscale="Cividis", showscale=False, xgap=1, ygap=1,
        text=np.vectorize(lambda x: f"{x:.3g}")(m) if show_text else None,
        texttemplate="%{text}" if show_text else None, textfont={"size": 12},
        hovertemplate="[%{y}, %{x}] = %{z:.4g}<extra></extra>",
    )


def jacobian_figure(view: JacobianView, lang: str = "en", theme: str = "light") -> go.Figure:
    """Four heatmaps side by side: J, v, v^T J and .grad (cividis: readable with colour-vision deficiency)."""
    titles = [t("jacobian.jacobian", lang, m=view.jacobian.shape[0], n=view.jacobian.shape[1]), t("jacobian.v", lang),
              t("jacobian.vjp", lang), t("jacobian.grad", lang)]
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, column_widths=[0.46, 0.18, 0.18, 0.18],
                        horizontal_spacing=0.05)
    fig.add_trace(_heatmap(view.jacobian, view.jacobian.size <= 400), row=1, col=1)
    fig.add_trace(_heatmap(view.v, view.v.size <= 64), row=1, col=2)
    fig.add_trace(_heatmap(view.vjp, view.vjp.size <= 64), row=1, col=3)
    fig.add_trace(_heatmap(view.grad if view.grad is not None else np.zeros(view.in_shape),
                           view.vjp.size <= 64 and view.grad is not None), row=1, col=4)
    for col in range(1, 5):
        # whole-number ticks: these are indices, not coordinates
        fig.update_yaxes(autorange="reversed", dtick=1 if col > 1 else None, row=1, col=col)
        fig.update_xaxes(dtick=1 if col > 1 else None, row=1, col=col)
    fig.update_layout(template=THEMES[theme]["template"], height=460, title=view.verdict(lang),
                      font={"size": 14}, margin={"l": 30, "r": 10, "t": 70, "b": 40})
    return fig


# --- the Jacobian of a recorded pass, from a sandboxed run -------------------------------------------------

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
    if info is None or info.id != tensor_id:
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
    leaf = in_info.id
    grad = next((np.asarray(ev.after) for ev in p.events
                 if ev.kind == "accumulate" and ev.tensor == leaf and ev.after is not None), None)
    return JacobianView(J, np.array(v), vjp, grad, tuple(out_info.shape), tuple(in_info.shape))
