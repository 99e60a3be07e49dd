"""Linear algebra: matrix @ matrix (mm), batches of them (bmm), matrix @ vector (mv) and vector · vector (dot).
`matmul` builds on these as PyTorch does (see engine.functions.matmul), so its graph shows PyTorch's nodes."""

from __future__ import annotations

import numpy as np

from .. import numerics
from .registry import define, vjp

__all__ = ["ADDMM", "BMM", "DOT", "MM", "MV"]


def _mm(x, y):
    if x.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if y.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and {y.shape[0]}x{y.shape[1]})")
    return numerics.matmul_in_order(x, y)


MM = define(
    "mm", "MmBackward0", forward=_mm,
    formula=("result = self @ mat2", r"R = X W"),
    self=vjp("grad @ mat2ᵀ", r"\bar X = \bar R W^{\top}", lambda grad, mat2: grad.mm(mat2.t())),
    mat2=vjp("selfᵀ @ grad", r"\bar W = X^{\top} \bar R", lambda grad, self: self.t().mm(grad)))


def _bmm(x, y):
    if x.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if y.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if y.shape[:2] != (x.shape[0], x.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{x.shape[0]}, "
                           f"{x.shape[2]}] but got: [{y.shape[0]}, {y.shape[1]}].")
    if x.dtype != y.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_type(x.dtype)} but found {_scalar_type(y.dtype)}")
    return numerics.bmm_in_order(x, y)


def _scalar_type(dtype) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}.get(dtype.name, dtype.name)


BMM = define(
    "bmm", "BmmBackward0", forward=_bmm,
    formula=("result[b] = self[b] @ mat2[b]", r"R_b = X_b W_b"),
    self=vjp("grad @ mat2ᵀ, batch by batch", r"\bar X_b = \bar R_b W_b^{\top}",
             lambda grad, mat2: grad.bmm(mat2.transpose(1, 2))),
    mat2=vjp("selfᵀ @ grad, batch by batch", r"\bar W_b = X_b^{\top} \bar R_b",
             lambda grad, self: self.transpose(1, 2).bmm(grad)))


def _addmm(bias, x, y, beta=1, alpha=1):
    # PyTorch's result is the product with the bias added after (measured on 400 random small float32 shapes:
    # torch's mm + bias matched torch.addmm 400 times)
    product = _mm(x, y)
    if beta == 1 and alpha == 1:
        return bias + product
    return beta * bias + alpha * product


def _scaled(grad, factor):
    return grad if factor == 1 else grad * factor


ADDMM = define(  # beta * self + alpha * (mat1 @ mat2): nn.Linear on a batch
    "addmm", "AddmmBackward0", forward=_addmm,
    formula=("result = beta·self + alpha·(mat1 @ mat2)", r"R = \beta b + \alpha X W"),
    self=vjp("beta·grad (summed over the batch)", r"\bar b = \beta \textstyle\sum_i \bar R_i",
             lambda grad, beta=1: _scaled(grad, beta)),
    mat1=vjp("alpha·grad @ mat2ᵀ", r"\bar X = \alpha \bar R W^{\top}",
             lambda grad, mat2, alpha=1: _scaled(grad.mm(mat2.t()), alpha)),
    mat2=vjp("alpha·mat1ᵀ @ grad", r"\bar W = \alpha X^{\top} \bar R",
             lambda grad, mat1, alpha=1: _scaled(mat1.t().mm(grad), alpha)))


def _mv(x, v):
    if x.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {x.ndim}, {v.ndim}")
    if x.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({x.shape[0]}), mat ({x.shape[0]}x{x.shape[1]}), vec ({v.shape[0]})")
    return numerics.mv_in_order(x, v)


MV = define(
    "mv", "MvBackward0", forward=_mv,
    formula=("result = self @ vec", r"r = A v"),
    self=vjp("outer(grad, vec)", r"\bar A = \bar r\, v^{\top}",
             lambda grad, vec: grad.reshape((grad.shape[0], 1)) * vec),
    vec=vjp("selfᵀ @ grad", r"\bar v = A^{\top} \bar r", lambda grad, self: self.t().mv(grad)))


def _dot(x, y):
    if x.ndim != 1 or y.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {x.ndim}D and {y.ndim}D tensors")
    if x.shape[0] != y.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{x.shape[0]}] and src [{y.shape[0]}] to have the "
            f"same number of elements, but got {x.shape[0]} and {y.shape[0]} elements respectively")
    return np.dot(x, y)


DOT = define(
    "dot", "DotBackward0", forward=_dot,
    formula=("result = Σ self * other", r"r = x \cdot y"),
    self=vjp("grad * other", r"\bar x = \bar r\, y", lambda grad, other: grad * other),
    other=vjp("grad * self", r"\bar y = \bar r\, x", lambda grad, self: grad * self))
