"""The op registry: the single source of truth for every differentiable op.

An entry reads like PyTorch's `derivatives.yaml`: the op's name and PyTorch's `grad_fn` class, its numpy
forward, its formula, and for each differentiable input its derivative, a vector-Jacobian product (VJP)
written as a formula over tensors, beside the text the step-through shows:

    MUL = define(
        "mul", "MulBackward0", elementwise=True, forward=np.multiply,
        formula=("result = self * other", r"r = x \\cdot y"),
        self=vjp("grad * other", r"\\bar x = \\bar r \\cdot y", lambda grad, other: grad * other),
        other=vjp("grad * self", r"\\bar y = \\bar r \\cdot x", lambda grad, self: grad * self))

A VJP's first parameter is the incoming gradient; the others are named after what it reads: an input
(`self`, `other`, ...) or the op's output (`result`), which the node then saves; an input's shape
(`self_shape`); or a non-tensor argument of the op (`alpha`, `dim`, ...). What a node saves is inferred from
these names, as PyTorch infers it from its formulas, and only for the inputs that need a gradient. VJPs compute
with tensor ops, so a backward pass with `create_graph=True` records its own graph (with PyTorch's node names)
and can be differentiated again. A VJP returns a gradient of the broadcast shape; the backward pass reduces it
to the input's shape in one place.

The families live in their own modules: arithmetic, element-wise functions, reductions, shapes and
indexing, linear algebra, losses, normalization, embedding; and delayed_error, the node of a custom Function's
backward marked @once_differentiable.
"""

from __future__ import annotations

from . import arithmetic, delayed_error, elementwise, embedding, linalg, losses, normalization, reductions, shapes
from .arithmetic import *  # noqa: F403  (the ops by name: ops.MUL, ops.EXP, ...)
from .delayed_error import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .embedding import *  # noqa: F403
from .linalg import *  # noqa: F403
from .losses import *  # noqa: F403
from .normalization import *  # noqa: F403
from .reductions import *  # noqa: F403
from .registry import REGISTRY, Derivative, Op, define, vjp
from .shapes import *  # noqa: F403

__all__ = ["REGISTRY", "Derivative", "Op", "arithmetic", "define", "delayed_error", "elementwise", "embedding",
           "linalg", "losses", "normalization", "reductions", "shapes", "vjp"]
__all__ += arithmetic.__all__ + delayed_error.__all__ + elementwise.__all__ + embedding.__all__ + linalg.__all__ \
    + losses.__all__ + normalization.__all__ + reductions.__all__ + shapes.__all__
