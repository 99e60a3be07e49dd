"""Embedding: the rows of a weight picked by index (EmbeddingBackward0), and the op its gradient is
(embedding_dense_backward: each index's gradient row added into zeros, EmbeddingDenseBackwardBackward0 under
create_graph)."""

from __future__ import annotations

import numpy as np

from .arithmetic import MASKED_FILL
from .registry import define, vjp
from .shapes import INDEX_SELECT

__all__ = ["EMBEDDING", "EMBEDDING_DENSE_BACKWARD"]


def _embedding_dense_backward(grad_output, indices, num_weights, padding_idx=-1, scale_grad_by_freq=False):
    # PyTorch's embedding_dense_backward_cpu: each index's gradient row added in order (the padding row left
    # out), divided by how often the index appears with scale_grad_by_freq
    flat = np.reshape(indices, -1)
    rows = np.reshape(grad_output, (flat.size, -1))
    out = np.zeros((num_weights, rows.shape[1]), np.result_type(grad_output))
    keep = flat != padding_idx
    if scale_grad_by_freq:
        counts = np.bincount(flat, minlength=num_weights)
        rows = rows * (1.0 / counts[flat])[:, None].astype(out.dtype)
    np.add.at(out, flat[keep], rows[keep])
    return out


def _embedding_double_backward(grad, indices, padding_idx=-1):
    # PyTorch's embedding_dense_double_backward: the rows at the indices again, 0 for the padding index
    picked = INDEX_SELECT(grad, dim=0, index=np.reshape(indices, -1))
    if padding_idx >= 0:
        picked = MASKED_FILL(picked, mask=(np.reshape(indices, (-1, 1)) == padding_idx), value=0)
    return picked.view((*np.shape(indices), -1))


EMBEDDING_DENSE_BACKWARD = define(
    "embedding_dense_backward", "EmbeddingDenseBackwardBackward0", forward=_embedding_dense_backward,
    formula=("result = zeros of (num_weights, dim), each row of grad_output added at its index",
             r"\bar W_{I_i} \mathrel{+}= \bar y_i"),
    grad_output=vjp("grad's rows at indices, 0 at padding_idx", r"\bar{\bar y}_i = \bar r_{I_i}",
                    lambda grad, indices, padding_idx=-1: _embedding_double_backward(grad, indices, padding_idx)))
EMBEDDING = define(
    "embedding", "EmbeddingBackward0", forward=lambda weight, indices, padding_idx=-1, scale_grad_by_freq=False,
    sparse=False: np.take(weight, indices, axis=0),
    formula=("result = weight's rows at indices", r"y_i = W_{I_i}"),
    weight=vjp("zeros with grad's rows added at indices (not at padding_idx; / count with scale_grad_by_freq)",
               r"\bar W_{I_i} \mathrel{+}= \bar y_i",
               lambda grad, weight_shape, indices, padding_idx=-1, scale_grad_by_freq=False: EMBEDDING_DENSE_BACKWARD(
                   grad, indices=indices, num_weights=weight_shape[0], padding_idx=padding_idx,
                   scale_grad_by_freq=scale_grad_by_freq)))
