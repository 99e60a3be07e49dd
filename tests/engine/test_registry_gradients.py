"""Gradient checks generated from the op registry (engine.ops.REGISTRY).

For every registry op: float64 central differences along random directions, over scalar, vector, matrix and
broadcast argument pairs where the op takes them, compared with the VJP the backward engine computes; the
grad_fn name against the one PyTorch 2.13 uses (a table recorded from torch); the formula texts; and, for the
element-wise ops, second derivatives through `create_graph=True`. An op added to the registry without a case
here fails `test_every_registry_op_has_cases`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from test_graph_export import assert_graph_is_plain  # (tests/engine is on the path while pytest runs)

import engine
from engine.apply import apply
from engine.ops import REGISTRY
from engine.tensor import wrap as _make

# The grad_fn class PyTorch 2.13 gives each op, recorded from torch by tests/oracle/make_records.py (its
# "registry" group: an expression whose graph holds the op's node, and the path to it).
_RECORDS = json.loads((Path(__file__).resolve().parents[1] / "oracle" / "records.json").read_text("utf-8"))
TORCH_GRAD_FN = {record["id"].split("/", 1)[1]: record["stdout"].strip()
                 for record in _RECORDS["records"] if record["group"] == "registry"}

SCALAR, VECTOR, MATRIX = (), (4,), (3, 4)
UNARY_SHAPES = (SCALAR, VECTOR, MATRIX)
# (self, other): scalar, vector, matrix, and three broadcasts
PAIR_SHAPES = ((SCALAR, SCALAR), (VECTOR, VECTOR), (MATRIX, MATRIX), ((3, 1), (1, 4)), (MATRIX, VECTOR),
               (SCALAR, MATRIX))


@dataclass
class Case:
    """One call of a registry op: its differentiable inputs (float64 arrays) and its non-tensor arguments."""

    op: str
    inputs: tuple
    attrs: dict = field(default_factory=dict)
    elementwise: bool = False
    label: str = ""

    def __str__(self) -> str:
        shapes = "x".join(str(np.shape(x)) for x in self.inputs)
        return f"{self.op}[{self.label or shapes}]"


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _normal(rng, shape):
    return rng.standard_normal(shape)


def _positive(rng, shape):
    return rng.uniform(0.5, 2.0, shape)


def _away_from_zero(rng, shape):
    """Values with |x| in [0.3, 1.5]: no kink of abs/relu/sign within the finite-difference step."""
    return rng.uniform(0.3, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def _distinct(rng, shape):
    """A permutation of well separated values: max/min and ties stay put under small steps."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 - 1.0).reshape(shape)


def _cases() -> dict[str, list[Case]]:
    rng = _rng(0)
    cases: dict[str, list[Case]] = {}

    def add(op, inputs, attrs=None, elementwise=False, label=""):
        cases.setdefault(op, []).append(Case(op, tuple(inputs), attrs or {}, elementwise, label))

    for a, b in PAIR_SHAPES:
        add("add", (_normal(rng, a), _normal(rng, b)), elementwise=True)
        add("add", (_normal(rng, a), _normal(rng, b)), {"alpha": 2.5}, True, f"{a}x{b} alpha")
        add("sub", (_normal(rng, a), _normal(rng, b)), elementwise=True)
        add("sub", (_normal(rng, a), _normal(rng, b)), {"alpha": -0.5}, True, f"{a}x{b} alpha")
        add("mul", (_normal(rng, a), _normal(rng, b)), elementwise=True)
        add("div", (_normal(rng, a), _away_from_zero(rng, b)), elementwise=True)
        add("remainder", (_normal(rng, a), _away_from_zero(rng, b)), elementwise=True)
        add("pow_tensor", (_positive(rng, a), _normal(rng, b)), elementwise=True)
        x = _normal(rng, a)
        add("maximum", (x, _away_from_zero(rng, b) + 0 * np.mean(x)), elementwise=True)
        add("minimum", (_normal(rng, a), _away_from_zero(rng, b)), elementwise=True)
        shape = np.broadcast_shapes(a, b)
        add("where", (_normal(rng, a), _normal(rng, b)), {"condition": rng.random(shape) > 0.5}, True)
        add("tanh_backward", (_normal(rng, a), rng.uniform(-0.9, 0.9, b)), elementwise=True)
        add("sigmoid_backward", (_normal(rng, a), rng.uniform(0.1, 0.9, b)), elementwise=True)
        add("threshold_backward", (_normal(rng, a), _away_from_zero(rng, b)), {"threshold": 0}, True)
        add("leaky_relu_backward", (_normal(rng, a), _away_from_zero(rng, b)), {"negative_slope": 0.1}, True)
        add("log_sigmoid_backward", (_normal(rng, a), _normal(rng, b) * 2), elementwise=True)
    clamp_in = rng.choice([-1.0, -0.2, 0.1, 0.3, 1.2], MATRIX) + rng.uniform(-0.05, 0.05, MATRIX)
    add("clamp_tensor", (clamp_in, rng.uniform(-0.6, -0.4, VECTOR), rng.uniform(0.4, 0.6, (3, 1))),
        elementwise=True, label="bounds broadcast")
    for shape in UNARY_SHAPES:
        add("rsub", (_normal(rng, shape),), {"other": 2.5}, True)
        add("rsub", (_normal(rng, shape),), {"other": 2.5, "alpha": 3.0}, True, f"{shape} alpha")
        add("div_scalar", (_normal(rng, shape),), {"other": 3})
        add("mul_scalar", (_normal(rng, shape),), {"other": -1.5})
        add("sub_scalar", (_normal(rng, shape),), {"other": 2.0})
        add("sgn", (_away_from_zero(rng, shape),), elementwise=True)
        add("sign", (_away_from_zero(rng, shape),), elementwise=True)
        add("remainder_scalar", (_normal(rng, shape),), {"other": 0.7}, True)
        for name in ("floor", "ceil", "trunc", "round", "frac"):
            add(name, (_normal(rng, shape),), elementwise=True)
        add("round_decimals", (_normal(rng, shape),), {"decimals": 2}, True)
        add("masked_fill", (_normal(rng, shape),), {"mask": rng.random(shape) > 0.5}, True)
        add("neg", (_normal(rng, shape),), elementwise=True)
        add("reciprocal", (_away_from_zero(rng, shape),), elementwise=True)
        for exponent in (0, 1, 2, 3, 0.5, -0.5, -1, -2, 2.7):
            add("pow", (_positive(rng, shape),), {"exponent": exponent}, True, f"{shape} p={exponent}")
        add("rpow", (_normal(rng, shape),), {"base": 1.7}, True)
        add("abs", (_away_from_zero(rng, shape),), elementwise=True)
        add("exp", (_normal(rng, shape),), elementwise=True)
        add("log", (_positive(rng, shape),), elementwise=True)
        add("sqrt", (_positive(rng, shape),), elementwise=True)
        add("sin", (_normal(rng, shape),), elementwise=True)
        add("cos", (_normal(rng, shape),), elementwise=True)
        add("tanh", (_normal(rng, shape),), elementwise=True)
        for name in ("log1p", "log2", "log10", "rsqrt"):
            add(name, (_positive(rng, shape),), elementwise=True)
        for name in ("expm1", "exp2", "sinh", "cosh", "atan"):
            add(name, (_normal(rng, shape),), elementwise=True)
        for name in ("tan", "asin", "acos"):  # inside (-1, 1), away from the poles and the domain's ends
            add(name, (rng.uniform(-0.8, 0.8, shape),), elementwise=True)
        add("sigmoid", (_normal(rng, shape),), elementwise=True)
        add("relu", (_away_from_zero(rng, shape),), elementwise=True)
        add("leaky_relu", (_away_from_zero(rng, shape),), {"negative_slope": 0.2}, True)
        clamp_in = rng.choice([-1.0, -0.2, 0.1, 0.3, 1.2], shape) + rng.uniform(-0.05, 0.05, shape)
        add("clamp", (clamp_in,), {"min": -0.5, "max": 0.5}, True)
        add("clamp", (clamp_in,), {"min": -0.5, "max": None}, True, f"{shape} min only")
        lower, upper = rng.uniform(-0.6, -0.4, shape), rng.uniform(0.4, 0.6, shape)
        add("clamp_tensor", (clamp_in, lower, upper), elementwise=True)
        add("clamp_tensor", (clamp_in, upper, lower), elementwise=True, label=f"{shape} min > max")
        add("log_sigmoid", (_normal(rng, shape) * 3,), elementwise=True)
        add("clone", (_normal(rng, shape),))
        add("to_copy", (_normal(rng, shape),), {"dtype": np.dtype(np.float64)})
        add("sum", (_normal(rng, shape),))
        add("mean", (_normal(rng, shape),))
        add("max", (_distinct(rng, shape),))
        add("min", (_distinct(rng, shape),))
    add("max", (np.array([1.0, 3.0, 3.0, -2.0]),), label="tie shares the gradient")
    add("copy_", (_normal(rng, MATRIX), _normal(rng, MATRIX)))
    add("copy_", (_normal(rng, MATRIX), _normal(rng, VECTOR)), label="broadcast src")
    for dim, keepdim in (((1,), False), ((0,), True), ((0, 1), False)):
        attrs, label = {"dim": dim, "keepdim": keepdim}, f"dim={dim} {keepdim}"
        add("sum_dim", (_normal(rng, MATRIX),), attrs, label=label)
        add("mean_dim", (_normal(rng, MATRIX),), attrs, label=label)
    for dim, keepdim in ((1, False), (0, True)):
        attrs, label = {"dim": dim, "keepdim": keepdim}, f"dim={dim} {keepdim}"
        add("max_dim", (_distinct(rng, MATRIX),), attrs, label=label)
        add("min_dim", (_distinct(rng, MATRIX),), attrs, label=label)
    for dims, keepdim in (((0, 1), False), ((1,), False), ((0,), True)):
        attrs, label = {"dim": dims, "keepdim": keepdim}, f"dim={dims} {keepdim}"
        add("amax", (_distinct(rng, MATRIX),), attrs, label=label)
        add("amin", (_distinct(rng, MATRIX),), attrs, label=label)
        for correction in (0, 1):
            attrs_c = {**attrs, "correction": correction}
            add("std", (_normal(rng, MATRIX),), attrs_c, label=f"{label} correction={correction}")
            add("var", (_normal(rng, MATRIX),), attrs_c, label=f"{label} correction={correction}")
    # a two-way tie: the central difference there is the average of both sides, PyTorch's even split
    add("amax", (np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),), {"dim": (1,), "keepdim": False},
        label="ties share the gradient")
    for shape in (VECTOR, MATRIX):
        for p in (2, 1, 3, 0.5, float("inf")):
            add("norm", (_distinct(rng, shape) + 0.05,), {"ord": p}, label=f"{shape} p={p}")
    add("norm", (_normal(rng, MATRIX),), {"ord": 2, "dim": (1,), "keepdim": False}, label="dim=1")
    add("norm", (_normal(rng, MATRIX),), {"ord": 2, "dim": (0,), "keepdim": True}, label="dim=0 keepdim")
    add("view", (_normal(rng, MATRIX),), {"size": (2, 6)})
    add("view", (_normal(rng, SCALAR),), {"size": (1,)})
    add("unsafe_view", (_normal(rng, MATRIX),), {"size": (12,)})
    add("squeeze", (_normal(rng, (3, 1, 4)),))
    add("squeeze_dim", (_normal(rng, (3, 1, 4)),), {"dim": 1})
    add("squeeze_matmul", (_normal(rng, (1, 4)),), {"dim": 0})
    add("unsqueeze", (_normal(rng, VECTOR),), {"dim": 0})
    add("unsqueeze", (_normal(rng, SCALAR),), {"dim": 0})
    add("expand", (_normal(rng, (3, 1)),), {"size": (2, 3, 4)})
    add("expand", (_normal(rng, SCALAR),), {"size": (3,)})
    add("t", (_normal(rng, MATRIX),))
    add("t", (_normal(rng, VECTOR),))
    add("transpose", (_normal(rng, (2, 3, 4)),), {"dim0": 0, "dim1": 2})
    add("permute", (_normal(rng, (2, 3, 4)),), {"dims": (2, 0, 1)})
    add("select", (_normal(rng, MATRIX),), {"index": (slice(None), 2)})
    add("select", (_normal(rng, VECTOR),), {"index": (1,)})
    add("slice", (_normal(rng, MATRIX),), {"index": (slice(None), slice(1, 4, 2))})
    add("index", (_normal(rng, VECTOR),), {"index": (np.array([0, 2, 2, 3]),)}, label="repeated indices")
    add("index", (_normal(rng, MATRIX),), {"index": (np.array([2, 0]), np.array([1, 3]))})
    add("copy_slices", (_normal(rng, MATRIX), _normal(rng, (3,))), {"index": (slice(None), 1)})
    add("copy_slices", (_normal(rng, VECTOR), _normal(rng, SCALAR)), {"index": (2,)})
    add("index_put", (_normal(rng, VECTOR), _normal(rng, (4,))), {"index": (np.array([0, 2, 2, 3]),)},
        label="repeated indices add up")
    add("index_put", (_normal(rng, MATRIX), _normal(rng, (2,))), {"index": (np.array([2, 0]), np.array([1, 3]))})
    add("mm", (_normal(rng, MATRIX), _normal(rng, (4, 2))))
    for shape in (VECTOR, MATRIX):
        add("prod", (_positive(rng, shape),))
    add("prod", (np.array([1.5, 0.0, -2.0, 0.5]),), label="one zero: the others' product")
    add("prod_dim", (_normal(rng, MATRIX),), {"dim": 1, "keepdim": False}, label="dim=1")
    add("prod_dim", (np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 3.0]]),), {"dim": 0, "keepdim": True}, label="a zero")
    add("trace", (_normal(rng, MATRIX),))
    add("sort", (_distinct(rng, MATRIX),), {"dim": 1, "descending": False, "stable": False}, label="dim=1")
    add("sort", (_distinct(rng, VECTOR),), {"dim": 0, "descending": True, "stable": False}, label="descending")
    add("sort_stable", (_distinct(rng, MATRIX),), {"dim": 0, "descending": False, "stable": True})
    add("split", (_normal(rng, MATRIX),), {"sizes": (2, 1), "dim": 0, "split_size": 2})
    add("split_with_sizes", (_normal(rng, MATRIX),), {"sizes": (1, 3), "dim": 1})
    add("unbind", (_normal(rng, MATRIX),), {"dim": 0})
    add("addmm", (_normal(rng, (2,)), _normal(rng, MATRIX), _normal(rng, (4, 2))), label="bias over the batch")
    add("addmm", (_normal(rng, (3, 2)), _normal(rng, MATRIX), _normal(rng, (4, 2))), label="a bias per row")
    add("mv", (_normal(rng, MATRIX), _normal(rng, VECTOR)))
    add("dot", (_normal(rng, VECTOR), _normal(rng, VECTOR)))
    for reduction in ("mean", "sum", "none"):
        for shape in (VECTOR, MATRIX):
            add("binary_cross_entropy_with_logits", (_normal(rng, shape) * 2, rng.uniform(0, 1, shape)),
                {"reduction": reduction}, label=f"{shape} {reduction}")
            add("binary_cross_entropy", (rng.uniform(0.1, 0.9, shape), rng.uniform(0, 1, shape)),
                {"reduction": reduction}, label=f"{shape} {reduction}")
            add("mse_loss", (_normal(rng, shape), _normal(rng, shape)), {"reduction": reduction},
                label=f"{shape} {reduction}")
            upstream = _normal(rng, shape if reduction == "none" else SCALAR)
            add("mse_loss_backward", (upstream, _normal(rng, shape), _normal(rng, shape)),
                {"reduction": reduction}, label=f"{shape} {reduction}")
    add("binary_cross_entropy_with_logits", (_normal(rng, MATRIX), rng.uniform(0, 1, MATRIX)),
        {"reduction": "mean", "weight": _positive(rng, VECTOR), "pos_weight": _positive(rng, VECTOR)},
        label="weight and pos_weight")
    add("binary_cross_entropy", (rng.uniform(0.1, 0.9, MATRIX), rng.uniform(0, 1, MATRIX)),
        {"reduction": "sum", "weight": _positive(rng, VECTOR)}, label="weight")
    for shape, dim in ((VECTOR, 0), (MATRIX, 0), (MATRIX, 1)):
        probs = np.exp(_normal(rng, shape))
        probs = probs / probs.sum(axis=dim, keepdims=True)
        add("softmax_backward_data", (_normal(rng, shape), probs), {"dim": dim}, label=f"{shape} dim={dim}")
        add("log_softmax_backward_data", (_normal(rng, shape), np.log(probs)), {"dim": dim},
            label=f"{shape} dim={dim}")
        add("softmax", (_normal(rng, shape),), {"dim": dim}, label=f"{shape} dim={dim}")
        add("log_softmax", (_normal(rng, shape),), {"dim": dim}, label=f"{shape} dim={dim}")
    target = np.array([0, 3, 1])
    for reduction in ("mean", "sum", "none"):
        add("nll_loss", (_normal(rng, MATRIX),),
            {"target": target, "reduction": reduction, "ignore_index": -100, "weight": None, "dtype": "<f8"},
            label=reduction)
    add("nll_loss", (_normal(rng, MATRIX),),
        {"target": np.array([0, -100, 2]), "reduction": "mean", "ignore_index": -100,
         "weight": _positive(rng, VECTOR), "dtype": "<f8"}, label="weight and ignore_index")
    add("nll_loss", (_normal(rng, VECTOR),),
        {"target": np.array(2), "reduction": "mean", "ignore_index": -100, "weight": None, "dtype": "<f8"},
        label="1-d input")
    # rearranging, triangles and diagonals
    add("flip", (_normal(rng, MATRIX),), {"dims": (0,)})
    add("flip", (_normal(rng, (2, 3, 4)),), {"dims": (0, 2)}, label="two dims")
    add("roll", (_normal(rng, MATRIX),), {"shifts": (1,), "dims": (1,)})
    add("roll", (_normal(rng, MATRIX),), {"shifts": (2,), "dims": ()}, label="flattened")
    add("roll", (_normal(rng, MATRIX),), {"shifts": (1, -2), "dims": (0, 1)}, label="two dims")
    add("repeat", (_normal(rng, MATRIX),), {"repeats": (2, 1)})
    add("repeat", (_normal(rng, VECTOR),), {"repeats": (2, 1, 3)}, label="new leading dims")
    add("repeat", (_normal(rng, MATRIX),), {"repeats": (1, 1)}, label="once")
    for name in ("tril", "triu"):
        add(name, (_normal(rng, MATRIX),), {"diagonal": 0})
        add(name, (_normal(rng, (2, 3, 3)),), {"diagonal": -1}, label="a batch, below")
    for op in ("diagonal", "diagonal_copy"):
        add(op, (_normal(rng, MATRIX),), {"offset": 0, "dim1": 0, "dim2": 1})
        add(op, (_normal(rng, MATRIX),), {"offset": 1, "dim1": 0, "dim2": 1}, label="offset 1")
    add("diagonal", (_normal(rng, (2, 3, 4)),), {"offset": -1, "dim1": 2, "dim2": 1}, label="3-d, offset -1")
    add("diagonal_backward", (_normal(rng, (3,)),), {"input_sizes": MATRIX, "offset": 0, "dim1": 0, "dim2": 1})
    add("diagonal_backward", (_normal(rng, (2,)),), {"input_sizes": MATRIX, "offset": 2, "dim1": 0, "dim2": 1},
        label="offset 2")
    add("diag_embed", (_normal(rng, VECTOR),), {"offset": 0, "dim1": 0, "dim2": 1})
    add("diag_embed", (_normal(rng, MATRIX),), {"offset": -1, "dim1": 1, "dim2": 2}, label="a batch, offset -1")
    # gathering and scattering
    index = np.array([[0, 0, 3], [2, 1, 1]])
    add("gather", (_normal(rng, MATRIX),), {"dim": 1, "index": index}, label="repeated indices")
    add("gather", (_normal(rng, MATRIX),), {"dim": 0, "index": np.array([[2, 0, 1, 1]])}, label="dim 0")
    add("scatter_add", (_normal(rng, MATRIX), _normal(rng, (2, 3))), {"dim": 1, "index": index})
    distinct = np.array([[0, 3, 1], [2, 1, 0]])
    add("scatter", (_normal(rng, MATRIX), _normal(rng, (2, 3))), {"dim": 1, "index": distinct})
    add("scatter_value", (_normal(rng, MATRIX),), {"dim": 1, "index": distinct, "value": 1.5})
    add("index_select", (_normal(rng, MATRIX),), {"dim": 0, "index": np.array([2, 0, 2])}, label="repeated")
    add("index_select", (_normal(rng, MATRIX),), {"dim": 1, "index": np.array([3])}, label="dim 1")
    add("index_add", (_normal(rng, MATRIX), _normal(rng, (2, 4))), {"dim": 0, "index": np.array([1, 1])},
        label="repeated")
    add("reshape_alias", (_normal(rng, MATRIX),), {"size": (4, 3)})
    mask = rng.random(MATRIX) > 0.5
    add("masked_select", (_normal(rng, MATRIX),), {"mask": mask})
    add("masked_select", (_normal(rng, VECTOR),), {"mask": mask}, label="broadcast input")
    add("masked_scatter", (_normal(rng, MATRIX), _normal(rng, (13,))), {"mask": mask}, label="a longer source")
    add("masked_fill_tensor", (_normal(rng, MATRIX), _normal(rng, SCALAR)), {"mask": mask}, True)
    add("masked_fill_tensor", (_normal(rng, VECTOR), _normal(rng, SCALAR)), {"mask": mask[0]}, True, "vector")
    # one-sided clamps, lerp, addcmul, addcdiv, atan2, erf
    for shape in UNARY_SHAPES:
        clamp_in = rng.choice([-1.0, -0.2, 0.3, 1.2], shape) + rng.uniform(-0.05, 0.05, shape)
        add("clamp_min", (clamp_in,), {"min": 0.0}, True)
        add("clamp_max", (clamp_in,), {"max": 0.0}, True)
        add("erf", (_normal(rng, shape),), elementwise=True)
    for a, b in PAIR_SHAPES:
        add("lerp", (_normal(rng, a), _normal(rng, b)), {"weight": 0.3}, True)
        add("lerp", (_normal(rng, a), _normal(rng, b)), {"weight": 0.8}, True, f"{a}x{b} weight 0.8")
        add("lerp_tensor", (_normal(rng, a), _normal(rng, b), rng.uniform(0, 1, b)), elementwise=True)
        add("addcmul", (_normal(rng, a), _normal(rng, b), _normal(rng, a)), {"value": 0.5}, True)
        add("addcdiv", (_normal(rng, a), _normal(rng, b), _away_from_zero(rng, a)), {"value": -2.0}, True)
        add("atan2", (_normal(rng, a), _away_from_zero(rng, b)), elementwise=True)
    add("addcmul", (_normal(rng, MATRIX), _normal(rng, MATRIX), _normal(rng, VECTOR)), elementwise=True,
        label="value 1")
    # running totals, logsumexp, topk, bmm
    for dim in (0, 1):
        add("cumsum", (_normal(rng, MATRIX),), {"dim": dim}, label=f"dim={dim}")
        add("cumprod", (_away_from_zero(rng, MATRIX),), {"dim": dim}, label=f"dim={dim}")
    add("cumsum", (_normal(rng, SCALAR),), {"dim": 0}, label="0-d")
    add("cumprod", (np.array([[1.5, 0.0, -2.0, 0.7], [0.0, 1.2, 0.0, -0.5], [0.8, 1.1, -0.9, 1.3]]),), {"dim": 1},
        label="zeros")
    for dims, keepdim in (((1,), False), ((0,), True), ((0, 1), False)):
        add("logsumexp", (_normal(rng, MATRIX),), {"dim": dims, "keepdim": keepdim}, label=f"dim={dims} {keepdim}")
    add("topk", (_distinct(rng, MATRIX),), {"k": 2, "dim": 1, "largest": True, "sorted": True})
    add("topk", (_distinct(rng, MATRIX),), {"k": 2, "dim": 0, "largest": False, "sorted": True}, label="smallest")
    add("bmm", (_normal(rng, (2, 3, 4)), _normal(rng, (2, 4, 2))))
    # the activations of torch.nn.functional and their backward ops
    for shape in UNARY_SHAPES:
        add("softplus", (_normal(rng, shape) * 2,), {"beta": 1.0, "threshold": 20.0}, True)
        add("softplus", (_away_from_zero(rng, shape),), {"beta": 2.0, "threshold": 1.0}, True, f"{shape} beta 2")
        add("elu", (_away_from_zero(rng, shape),), {"alpha": 1.0, "scale": 1.0, "input_scale": 1.0}, True)
        add("elu", (_away_from_zero(rng, shape),), {"alpha": 1.67, "scale": 1.05, "input_scale": 1.0}, True,
            f"{shape} selu")
        add("gelu", (_normal(rng, shape),), {"approximate": "none"}, True)
        add("gelu", (_normal(rng, shape),), {"approximate": "tanh"}, True, f"{shape} tanh")
        add("silu", (_normal(rng, shape),), elementwise=True)
        add("hardtanh", (rng.choice([-1.5, -0.5, 0.3, 1.4], shape) + rng.uniform(-0.05, 0.05, shape),),
            {"min_val": -1.0, "max_val": 1.0}, True)
        add("add_scalar", (_normal(rng, shape),), {"other": 1e-6}, True)
    for a, b in PAIR_SHAPES:
        add("softplus_backward", (_normal(rng, a), _normal(rng, b)), {"beta": 1.0, "threshold": 20.0}, True)
        add("elu_backward", (_normal(rng, a), _away_from_zero(rng, b)),
            {"alpha": 1.0, "scale": 1.0, "input_scale": 1.0, "is_result": False}, True)
        add("gelu_backward", (_normal(rng, a), _normal(rng, b)), {"approximate": "none"}, True)
        add("gelu_backward", (_normal(rng, a), _normal(rng, b)), {"approximate": "tanh"}, True, f"{a}x{b} tanh")
        add("hardtanh_backward", (_normal(rng, a), rng.choice([-1.5, 0.3], b) + rng.uniform(-0.05, 0.05, b)),
            {"min_val": -1.0, "max_val": 1.0}, True)
        add("xlogy", (_normal(rng, a), _positive(rng, b)), elementwise=True)
    # smooth L1 and Huber losses and their backward ops
    for reduction in ("mean", "sum", "none"):
        for shape in (VECTOR, MATRIX):
            x, y = _normal(rng, shape) * 2, _normal(rng, shape) * 2
            add("smooth_l1_loss", (x, y), {"reduction": reduction, "beta": 1.0}, label=f"{shape} {reduction}")
            add("huber_loss", (x, y), {"reduction": reduction, "delta": 0.7}, label=f"{shape} {reduction}")
            upstream = _normal(rng, shape if reduction == "none" else SCALAR)
            add("smooth_l1_loss_backward", (upstream, x, y), {"reduction": reduction, "beta": 0.5},
                label=f"{shape} {reduction}")
            add("huber_loss_backward", (upstream, x, y), {"reduction": reduction, "delta": 1.0},
                label=f"{shape} {reduction}")
    # distances, batch norm, embedding
    add("norm_scalar", (_normal(rng, MATRIX),), {"ord": 2, "dim": (1,), "keepdim": False}, label="dim=1")
    add("norm_scalar", (_distinct(rng, MATRIX) + 0.05,), {"ord": 1, "dim": (1,), "keepdim": True}, label="p=1")
    no_stats = {"running_mean": None, "running_var": None, "training": True, "momentum": 0.1, "eps": 1e-5}
    add("native_batch_norm", (_normal(rng, (4, 3)), _normal(rng, (3,)), _normal(rng, (3,))), no_stats,
        label="(N, C) training")
    add("native_batch_norm", (_normal(rng, (3, 2, 4)), _normal(rng, (2,)), _normal(rng, (2,))), no_stats,
        label="(N, C, L) training")
    add("native_batch_norm", (_normal(rng, (4, 3)), _normal(rng, (3,)), _normal(rng, (3,))),
        {"running_mean": _normal(rng, (3,)), "running_var": _positive(rng, (3,)), "training": False,
         "momentum": 0.1, "eps": 1e-5}, label="evaluation")
    index = np.array([[0, 2], [4, 2]])
    add("embedding", (_normal(rng, (5, 3)),), {"indices": index, "padding_idx": -1, "scale_grad_by_freq": False,
                                               "sparse": False})
    # (the padding row and scale_grad_by_freq change the gradient on purpose: no central difference checks them)
    add("embedding", (_normal(rng, (5, 3)),), {"indices": index, "padding_idx": 3, "scale_grad_by_freq": False,
                                               "sparse": False}, label="an unused padding index")
    add("embedding_dense_backward", (_normal(rng, (2, 2, 3)),),
        {"indices": index, "num_weights": 5, "padding_idx": -1, "scale_grad_by_freq": False})
    add("embedding_dense_backward", (_normal(rng, (2, 2, 3)),),
        {"indices": index, "num_weights": 5, "padding_idx": 3, "scale_grad_by_freq": False},
        label="an unused padding index")
    return cases


CASES = _cases()
ALL_CASES = [case for op_cases in CASES.values() for case in op_cases]
ELEMENTWISE_CASES = [case for case in ALL_CASES if case.elementwise]


def _forward(case: Case, arrays, requires_grad=False, dtype=np.float64):
    tensors = tuple(_make(np.array(a, dtype=dtype), requires_grad) for a in arrays)
    out = apply(REGISTRY[case.op], *tensors, **case.attrs)
    if isinstance(out, tuple):  # max/min over a dim: (values, {"indices": ...})
        out = out[0]
    return tensors, out


def _value(case: Case, arrays) -> np.ndarray:
    with engine.no_grad():
        return np.array(_forward(case, arrays)[1]._data, dtype=np.float64)


def _directional_derivative(fn, arrays, directions, eps=1e-6):
    plus = fn([a + eps * d for a, d in zip(arrays, directions)])
    minus = fn([a - eps * d for a, d in zip(arrays, directions)])
    return (plus - minus) / (2 * eps)


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_vjp_matches_central_differences(case):
    rng = _rng(hash(str(case)) % 2**32)
    arrays = [np.asarray(a, dtype=np.float64) for a in case.inputs]
    tensors, out = _forward(case, arrays, requires_grad=True)
    assert type(out.grad_fn).__name__ == REGISTRY[case.op].grad_fn
    cotangent = rng.standard_normal(out.shape)
    out.backward(_make(cotangent))
    directions = [rng.standard_normal(np.shape(a)) for a in arrays]
    vjp_side = sum(float(np.sum(t.grad._data * d)) for t, d in zip(tensors, directions))
    slope = _directional_derivative(lambda xs: _value(case, xs), arrays, directions)
    fd_side = float(np.sum(cotangent * slope))
    assert vjp_side == pytest.approx(fd_side, rel=1e-6, abs=1e-7)
    for t, a in zip(tensors, arrays):
        assert t.grad.shape == np.shape(a)  # broadcasting undone to each input's own shape


def _float32_case(case: Case) -> Case:
    attrs = {k: (v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype == np.float64 else v)
             for k, v in case.attrs.items()}
    if attrs.get("dtype") == "<f8":  # (nll_loss names its input's dtype)
        attrs["dtype"] = "<f4"
    return Case(case.op, case.inputs, attrs, case.elementwise, case.label)


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_float32_vjp_matches_float64_vjp(case):
    """The same VJP in float32 (the dtype lessons use, with PyTorch's float32 rounding paths): float32
    gradients, within float32's precision of the float64 ones."""
    arrays = [np.asarray(a, dtype=np.float64) for a in case.inputs]
    grads = {}
    for dtype, run in ((np.float64, case), (np.float32, _float32_case(case))):
        tensors, out = _forward(run, arrays, requires_grad=True, dtype=dtype)
        cotangent = _rng(7).standard_normal(out.shape)
        out.backward(_make(cotangent.astype(dtype)))
        grads[dtype] = [t.grad for t in tensors]
    for g32, g64 in zip(grads[np.float32], grads[np.float64]):
        assert g32.dtype == engine.float32
        want = g64.numpy()
        np.testing.assert_allclose(g32.numpy(), want, rtol=2e-4, atol=2e-4 * max(1.0, float(np.abs(want).max())))


@pytest.mark.parametrize("case", ELEMENTWISE_CASES, ids=str)
def test_second_derivatives_through_create_graph(case):
    rng = _rng(hash(str(case)) % 2**32 + 1)
    arrays = [np.asarray(a, dtype=np.float64) for a in case.inputs]
    cotangent = rng.standard_normal(np.shape(_value(case, arrays)))
    weights = [rng.standard_normal(np.shape(a)) for a in arrays]

    def first_order(xs, create_graph=False):
        """<VJP(xs, cotangent), weights>: a scalar whose gradient is a row of second derivatives."""
        tensors, out = _forward(case, xs, requires_grad=True)
        grads = engine.autograd.grad(out, tensors, _make(cotangent), create_graph=create_graph,
                                     allow_unused=True)
        total = None
        for g, w in zip(grads, weights):
            if g is None:
                continue
            term = (g * _make(w)).sum()
            total = term if total is None else total + term
        return tensors, total

    tensors, total = first_order(arrays, create_graph=True)
    directions = [rng.standard_normal(np.shape(a)) for a in arrays]
    if total.requires_grad:
        second = engine.autograd.grad(total, tensors, allow_unused=True)
        analytic = sum(float(np.sum(g._data * d)) for g, d in zip(second, directions) if g is not None)
    else:  # the VJP does not depend on the inputs (add, neg, ...): every second derivative is 0
        analytic = 0.0
    numeric = float(_directional_derivative(lambda xs: float(first_order(xs)[1]._data), arrays, directions))
    assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_exported_graphs_hold_plain_data(case):
    """What a viewer reads of the op's node (its arguments, saved values, formulas) is plain data."""
    arrays = [np.asarray(a, dtype=np.float64) for a in case.inputs]
    _, out = _forward(case, arrays, requires_grad=True)
    assert_graph_is_plain(engine.graph.forward_graph(out))
    assert_graph_is_plain(engine.graph.backward_graph(out))


def test_every_registry_op_has_cases():
    assert set(CASES) == set(REGISTRY)


def test_every_registry_op_has_torch_grad_fn_name():
    assert set(TORCH_GRAD_FN) == set(REGISTRY)
    for name, spec in REGISTRY.items():
        assert spec.grad_fn == TORCH_GRAD_FN[name], name


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_formula_texts_are_complete(name):
    spec = REGISTRY[name]
    assert spec.formula.strip() and spec.latex.strip()
    assert len(spec.backward_formulas) == len(spec.inputs) == len(spec.backward_latex) == len(spec.vjps)
    assert all(text.strip() for text in spec.backward_formulas + spec.backward_latex)
    assert len(spec.saves) == len(spec.inputs)


# Arguments that shape a gradient without being a value in its formula (which dims, which places)
STRUCTURAL = {"dim", "dim0", "dim1", "dims", "keepdim", "size", "index", "sizes", "dtype", "reduction",
              "ignore_index", "correction", "target", "weight", "pos_weight", "decimals"}


def _names_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_formula_texts_name_what_their_vjps_read(name):
    """Each input's formula text names the saved values its VJP reads (so the step-through can put their
    numbers in), and names no saved value the VJP does not read; the forward formula names every input."""
    spec = REGISTRY[name]
    saveable = set(spec.inputs) | {"result"} | set(spec.extra_outputs)
    forward_names = _names_in(spec.formula)
    for input_name in spec.inputs:
        assert input_name in forward_names or f"{input_name}_shape" in forward_names, (name, spec.formula)
    for input_name, derivative in zip(spec.inputs, spec.derivatives):
        named = _names_in(derivative.text)
        read = set(derivative.params)
        saved = read & saveable
        assert saved <= named, f"{name}: grad_{input_name} reads {saved - named} but its text does not name it"
        shapes = {p[: -len("_shape")] for p in read if p.endswith("_shape")}
        assert named & saveable <= saved | shapes, \
            f"{name}: grad_{input_name} names {(named & saveable) - saved} but its VJP does not read it"
        for argument in read - saveable - {p for p in read if p.endswith("_shape")} - STRUCTURAL:
            assert argument in named, f"{name}: grad_{input_name} reads {argument!r} but its text does not name it"


def test_broadcast_case_reduces_gradient_by_summing():
    # d(sum(x + y))/dy for y broadcast over 3 rows is 3 per element: the one sum_to in the backward engine
    x = engine.zeros(3, 4, dtype=engine.float64, requires_grad=True)
    y = engine.zeros(4, dtype=engine.float64, requires_grad=True)
    (x + y).sum().backward()
    assert y.grad.tolist() == [3.0] * 4
    assert x.grad.tolist() == [[1.0] * 4] * 3
