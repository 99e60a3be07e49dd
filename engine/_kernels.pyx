# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""C loops for the engine's exact small-tensor paths, compiled where a C compiler is present (setup.py).

Each function here does what a numpy function in `engine.ops` or `engine.vjp_math` does, in the same floating
point operations in the same order, so the results are the same bits; only the per-call cost differs (one loop
instead of several numpy calls on a 3-element array, or a sum in PyTorch's order at the speed of numpy's
own). The numpy versions stay the reference and the fallback: `engine._native.kernels()` is None when this
module is not compiled, is stale, or ENGINE_PURE_PYTHON is set, and tests/engine/test_kernels.py checks every
kernel against its numpy twin bit for bit.

Rules for this file: float arithmetic only through typed C `float`/`double` variables, one rounding per
operation as numpy does (setup.py compiles it with -ffp-contract=off: no fused multiply-adds), and libm's
double functions where the numpy code rounds a float64 result to float32. A kernel whose result would
hold a nan returns None instead, and the caller runs the numpy code: libm and numpy's loops may give a nan
of the other sign, and nans are rare enough not to need speed.
"""

from libc.math cimport cos, exp, log, log1p, sin, tanh

import numpy as np

ctypedef fused real:
    float
    double

cdef enum:
    K_EXP, K_LOG, K_TANH, K_SIN, K_COS, K_LOG1P  # the functions of `unary_f32`
    ILP = 4  # PyTorch's sum: interleaved accumulators per lane,
    LEVELS = 4  # levels of partial sums,
    MAX_LANES = 8  # and at most this many lanes (float32 in 32-byte vectors)

# the codes of `unary_f32`, for engine.ops
EXP, LOG, TANH, SIN, COS, LOG1P = K_EXP, K_LOG, K_TANH, K_SIN, K_COS, K_LOG1P


cdef inline double _unary(int code, double v) noexcept nogil:
    if code == K_EXP:
        return exp(v)
    if code == K_LOG:
        return log(v)
    if code == K_TANH:
        return tanh(v)
    if code == K_SIN:
        return sin(v)
    if code == K_COS:
        return cos(v)
    return log1p(v)


def unary_f32(x, int code):
    """float32(f(float64(x))) for each element of a C-contiguous float32 array (ops._float32_via_float64)."""
    out = np.empty(x.shape, np.float32)
    cdef const float[::1] xv = x.reshape(-1)
    cdef float[::1] ov = out.reshape(-1)
    cdef Py_ssize_t i
    cdef float v
    for i in range(xv.shape[0]):
        v = <float>_unary(code, <double>xv[i])
        if v != v:
            return None
        ov[i] = v
    return out


cdef inline float _exp_f32(float v) noexcept nogil:
    return <float>exp(<double>v)


def sigmoid_f32(x):
    """ops._sigmoid_fwd of a C-contiguous float32 array: e = exp_f(-x), then 1 / (1 + e) in float32."""
    out = np.empty(x.shape, np.float32)
    cdef const float[::1] xv = x.reshape(-1)
    cdef float[::1] ov = out.reshape(-1)
    cdef Py_ssize_t i
    cdef float e, one = 1
    for i in range(xv.shape[0]):
        e = _exp_f32(-xv[i])
        e = one + e
        e = one / e
        if e != e:
            return None
        ov[i] = e
    return out


def log_sigmoid_f32(x):
    """ops._log_sigmoid_fwd of a C-contiguous float32 array: min(x, 0) - log1p_f(exp_f(-|x|))."""
    out = np.empty(x.shape, np.float32)
    cdef const float[::1] xv = x.reshape(-1)
    cdef float[::1] ov = out.reshape(-1)
    cdef Py_ssize_t i
    cdef float v, low, zero = 0
    for i in range(xv.shape[0]):
        v = xv[i]
        # np.minimum(v, 0): v where v < 0, else +0.0 (-0.0 too); nan goes to numpy (below)
        low = v if v < zero else zero
        v = low - <float>log1p(<double>_exp_f32(-(v if v >= zero else -v)))
        if v != v:
            return None
        ov[i] = v
    return out


# ------------------------------------------------------------------ PyTorch's order of a full sum
cdef inline void _add_rows(real* acc, const real* x, Py_ssize_t rows, Py_ssize_t width) noexcept nogil:
    """acc[c] += x[r * width + c] for each row r in turn: a level's running sum over `rows` rows."""
    cdef real a[ILP * MAX_LANES]
    cdef Py_ssize_t r, c
    if width == ILP * MAX_LANES:  # (float32's 32 columns as a constant: the compiler keeps them in registers)
        for c in range(ILP * MAX_LANES):
            a[c] = acc[c]
        for r in range(rows):
            for c in range(ILP * MAX_LANES):
                a[c] = a[c] + x[r * (ILP * MAX_LANES) + c]
        for c in range(ILP * MAX_LANES):
            acc[c] = a[c]
        return
    for r in range(rows):
        for c in range(width):
            acc[c] = acc[c] + x[r * width + c]


cdef real _run_sum(const real* x, Py_ssize_t n, Py_ssize_t lanes) noexcept nogil:
    """ops._rows_sum of one contiguous run of n elements (PyTorch's vectorized_inner_sum / cascade_sum):
    per lane, 4 interleaved accumulators summed in levels of `step` rows, the vectors left over, then the
    elements past the last vector and the lanes in order, every addition rounded."""
    cdef real lev[LEVELS][ILP * MAX_LANES]
    cdef real lane[MAX_LANES]
    cdef Py_ssize_t power, step, i, c, j, l, v, size
    cdef real total
    if n < lanes:  # a run shorter than one vector: the same accumulators over single elements
        lanes = 1
    cdef Py_ssize_t width = ILP * lanes
    cdef Py_ssize_t n_vec = n // lanes
    cdef Py_ssize_t n_ilp = n_vec // ILP
    for j in range(LEVELS):
        for c in range(width):
            lev[j][c] = 0
    if n_ilp:
        size = n_ilp
        power = 0
        if size > 1:
            v = size - 1
            while v:
                power += 1
                v >>= 1
        power //= LEVELS
        if power < 4:
            power = 4
        step = (<Py_ssize_t>1) << power
        i = 0
        while i + step <= size:
            _add_rows(lev[0], x + i * width, step, width)
            i += step
            for j in range(1, LEVELS):
                for c in range(width):
                    lev[j][c] = lev[j][c] + lev[j - 1][c]
                    lev[j - 1][c] = 0
                if i & ((step - 1) << (j * power)):
                    break
        _add_rows(lev[0], x + i * width, size - i, width)
        for j in range(1, LEVELS):
            for c in range(width):
                lev[0][c] = lev[0][c] + lev[j][c]
    # _interleaved_sum: accumulator 0, the vectors left over, then accumulators 1, 2, 3
    for l in range(lanes):
        lane[l] = lev[0][l]
    for v in range(n_ilp * ILP, n_vec):
        for l in range(lanes):
            lane[l] = lane[l] + x[v * lanes + l]
    for j in range(1, ILP):
        for l in range(lanes):
            lane[l] = lane[l] + lev[0][j * lanes + l]
    # _rows_sum: from 0, the elements past the last vector, then the lanes in order
    total = 0
    for i in range(n_vec * lanes, n):
        total = total + x[i]
    for l in range(lanes):
        total = total + lane[l]
    return total


cdef real _full_sum(const real* x, Py_ssize_t n, Py_ssize_t lanes, Py_ssize_t grain,
                    Py_ssize_t threads) noexcept nogil:
    cdef Py_ssize_t chunk, start
    cdef real total
    if n <= grain:
        return _run_sum(x, n, lanes)
    # one part per thread, then the parts in order from 0 (ops.torch_sum)
    chunk = (n + threads - 1) // threads
    total = 0
    start = 0
    while start < n:
        total = total + _run_sum(x + start, min(chunk, n - start), lanes)
        start += chunk
    return total


def sum_f32(const float[::1] x, Py_ssize_t lanes, Py_ssize_t grain, Py_ssize_t threads):
    """ops.torch_sum of a contiguous float32 run (all of it), as a numpy float32 scalar."""
    if lanes > MAX_LANES:
        raise ValueError(f"at most {MAX_LANES} lanes")
    cdef float total = _full_sum(&x[0], x.shape[0], lanes, grain, threads)
    return None if total != total else np.float32(total)


def sum_f64(const double[::1] x, Py_ssize_t lanes, Py_ssize_t grain, Py_ssize_t threads):
    """ops.torch_sum of a contiguous float64 run (all of it), as a numpy float64 scalar."""
    if lanes > MAX_LANES:
        raise ValueError(f"at most {MAX_LANES} lanes")
    cdef double total = _full_sum(&x[0], x.shape[0], lanes, grain, threads)
    return None if total != total else np.float64(total)


# ------------------------------------------------------------------ small matrix products in order
cdef bint _mm(const real[:, ::1] a, const real[:, ::1] b, real[:, ::1] o) noexcept nogil:
    cdef Py_ssize_t m = a.shape[0], k = a.shape[1], n = b.shape[1], i, j, t
    cdef real acc, term
    for i in range(m):
        for j in range(n):
            acc = a[i, 0] * b[0, j]
            for t in range(1, k):
                term = a[i, t] * b[t, j]
                acc = acc + term
            if acc != acc:
                return False
            o[i, j] = acc
    return True


def matmul_f32(const float[:, ::1] a, const float[:, ::1] b):
    """vjp_math.matmul_in_order of two C-contiguous float32 matrices: each output element a[i, 0] * b[0, j],
    then + a[i, k] * b[k, j] for k = 1, 2, ..., every product and sum rounded."""
    out = np.empty((a.shape[0], b.shape[1]), np.float32)
    cdef float[:, ::1] o = out
    return out if _mm(a, b, o) else None


def matmul_f64(const double[:, ::1] a, const double[:, ::1] b):
    """matmul_f32 for float64."""
    out = np.empty((a.shape[0], b.shape[1]), np.float64)
    cdef double[:, ::1] o = out
    return out if _mm(a, b, o) else None
