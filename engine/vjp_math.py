"""The few array functions the VJP rules in `engine.ops` are written with, in two interchangeable forms.

`NUMPY` computes gradients as plain arrays (the fast, usual case). `TENSOR` computes them with engine ops, so
that a backward pass with `create_graph=True` records its own graph and can be differentiated again. A rule
never knows which one it was given.
"""

from __future__ import annotations

import numpy as np

from ._native import kernels

_K = kernels()  # C loops for the same sums (engine/_kernels.pyx), or None


def _data(x):
    return getattr(x, "_data", x)


# PyTorch's CPU matrix products (MKL's gemm) add a small product's k terms one after another; numpy's BLAS picks
# a kernel for the CPU it runs on, whose blocked sums differ in the last bit (OpenBLAS on AMD Zen 5 agreed with
# PyTorch for 22% of random products up to 13x13x13, this order for 82%, and for every vector @ matrix).
# `mm` forwards use it for products up to this many terms (m * k * n); larger ones go to BLAS, for speed.
# Measured on 250 random lesson-style programs (chains of products, BCE on x @ w + b, a tanh layer, mv), the
# printed text differed from PyTorch's in 29 with BLAS everywhere and in 11 with this order for mm; using it
# also in the backward products and in mv changed no count, but broke the mv lesson's print (seed 004), so
# those stay BLAS.
IN_ORDER_MAX_TERMS = 65536
_add_reduce = np.add.reduce


def matmul_in_order(a, b):
    """`a @ b` of two matrices (mm's forward), small float ones summed over k in order: each product rounded,
    then added to the running sum. Anything else is np.matmul."""
    if a.dtype.kind == "f" and a.dtype == b.dtype:
        m, k = a.shape
        n = b.shape[1]
        if k > 1 and m * k * n <= IN_ORDER_MAX_TERMS:
            if _K is not None and a.flags.c_contiguous and b.flags.c_contiguous and (
                    a.dtype == np.float32 or a.dtype == np.float64):
                # the same sums in one C loop (None where one is a nan: numpy's, below)
                out = (_K.matmul_f32 if a.dtype == np.float32 else _K.matmul_f64)(a, b)
                if out is not None:
                    return out
            terms = np.multiply(a[:, :, None], b)  # (m, k, n)
            if n > 1:
                # numpy reduces over an outer axis one row after another, each output element in order (the
                # same bits as the running sum, measured on 6,000 shapes); over the innermost axis (one
                # column) it would sum pairwise, so a single column takes np.add.accumulate, which keeps order
                return _add_reduce(terms, axis=1)
            return np.add.accumulate(terms, axis=1, out=terms)[:, -1, :].copy()
    return np.matmul(a, b)


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
