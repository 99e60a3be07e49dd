"""The few array functions the VJP rules in `engine.ops` are written with, in two interchangeable forms.

`NUMPY` computes gradients as plain arrays (the fast, usual case). `TENSOR` computes them with engine ops, so
that a backward pass with `create_graph=True` records its own graph and can be differentiated again. A rule
never knows which one it was given.
"""

from __future__ import annotations

import numpy as np


def _data(x):
    return getattr(x, "_data", x)


class NumpyMath:
    differentiable = False
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)
    tanh = staticmethod(np.tanh)
    matmul = staticmethod(np.matmul)

    @staticmethod
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    @staticmethod
    def expand(x, shape):
        return np.broadcast_to(x, shape)

    @staticmethod
    def reshape(x, shape):
        return np.reshape(x, shape)

    @staticmethod
    def transpose(x, d0=-2, d1=-1):
        return x.swapaxes(d0, d1)  # (the method: np.swapaxes adds a Python wrapper's microsecond)

    @staticmethod
    def permute(x, dims):
        return np.transpose(x, dims)

    @staticmethod
    def sum(x, dim=None, keepdim=False):
        return np.sum(x, axis=dim, keepdims=keepdim)

    @staticmethod
    def outer(a, b):
        return np.multiply.outer(a, b)

    @staticmethod
    def where(cond, a, b):
        return np.where(_data(cond), a, b)

    @staticmethod
    def zeros(shape, like):
        return np.zeros(shape, dtype=like.dtype)

    @staticmethod
    def scatter_add(shape, index, values, like):
        """A zero array of `shape` with `values` added at `index` (any numpy index)."""
        out = np.zeros(shape, dtype=like.dtype)
        np.add.at(out, index, values)
        return out

    @staticmethod
    def constant(array):
        return array


class TensorMath:
    """Same functions over engine Tensors (imported lazily: the engine imports this module)."""

    differentiable = True

    def __getattr__(self, name):
        import engine

        fn = getattr(engine, name)
        setattr(self, name, fn)
        return fn

    @staticmethod
    def expand(x, shape):
        return x.expand(*shape) if tuple(x.shape) != tuple(shape) else x

    @staticmethod
    def reshape(x, shape):
        return x.reshape(tuple(shape))

    @staticmethod
    def permute(x, dims):
        return x.permute(*dims)

    @staticmethod
    def sum(x, dim=None, keepdim=False):
        return x.sum() if dim is None else x.sum(dim, keepdim=keepdim)

    @staticmethod
    def outer(a, b):
        return a.reshape(tuple(a.shape) + (1,) * b.ndim) * b

    @staticmethod
    def where(cond, a, b):
        import engine

        return engine.where(engine.as_constant(_data(cond)), a, b)

    @staticmethod
    def zeros(shape, like):
        import engine

        return engine.zeros(tuple(shape), dtype=like.dtype)

    @staticmethod
    def scatter_add(shape, index, values, like):
        import engine

        return engine.index_put_zeros(tuple(shape), index, values)

    @staticmethod
    def constant(array):
        import engine

        return engine.as_constant(array)


NUMPY = NumpyMath()
TENSOR = TensorMath()
