"""Vector-Jacobian products made visible: for a non-scalar output, `out.backward(v)` stores v^T J in .grad.

The Jacobian is built row by row on the existing graph (one `autograd.grad` per output element, the graph
retained), so it works on whatever the user's program computed, no function re-run needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.graph.figures import THEMES
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
