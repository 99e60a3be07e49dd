"""PyTorch's numerics where numpy's differ in the last bit: plain numpy, called by the op rules by name.

Lessons print small tensors, where every last bit shows (`f"{loss}"` prints 17 digits), so the engine
reproduces how PyTorch 2.13's CPU kernels round:

* float32 `exp`, `log`, `tanh`, ... are correctly rounded far more often in PyTorch than numpy's float32
  loops: computing in float64 and rounding once reproduces PyTorch (`exp`, `log`, ...);
* sums add in a fixed order (vectors of 32 bytes, four interleaved accumulators, partial sums carried up in
  levels; `torch_sum`), where numpy adds pairwise;
* small matrix products add their k terms one after another (`matmul_in_order`), as MKL's gemm does;
* `x + alpha * y` is one fused multiply-add (`add_scaled`), in the optimizers too;
* softmax's backward and nll_loss's total add in their kernels' own orders.

Tensors of up to EXACT_ROUNDING_MAX elements take these paths; larger ones (an MLP layer, a 200x200 loss
surface) take numpy's float32 kernels, which differ from PyTorch by at most a unit in the last place. Numpy
alone computes all of it, so results are the same on every machine.
"""

from __future__ import annotations

import math

import numpy as np

EXACT_ROUNDING_MAX = 4096


# ---------------------------------------------------------------- element-wise functions
def _rounded_from_float64(fn, scalar_fn):
    """fn on float32 values computed in float64 and rounded once (PyTorch's results); a numpy scalar (a 0-d
    tensor's value) takes the `math` function, which gives the same value faster."""

    def rounded(x):
        kind = type(x)
        if kind is np.float32 or kind is np.float64:
            try:
                return kind(scalar_fn(x))
            except (ValueError, OverflowError):  # math raises where numpy returns nan or inf
                return kind(fn(np.float64(x)))
        if getattr(x, "dtype", None) == np.float32 and x.size <= EXACT_ROUNDING_MAX:
            return fn(x.astype(np.float64)).astype(np.float32)
        return fn(x)

    rounded.__name__ = fn.__name__
    rounded.__doc__ = f"np.{fn.__name__} with PyTorch's float32 rounding."
    return rounded


exp = _rounded_from_float64(np.exp, math.exp)
log = _rounded_from_float64(np.log, math.log)
tanh = _rounded_from_float64(np.tanh, math.tanh)
sin = _rounded_from_float64(np.sin, math.sin)
cos = _rounded_from_float64(np.cos, math.cos)
log1p = _rounded_from_float64(np.log1p, math.log1p)
expm1 = _rounded_from_float64(np.expm1, math.expm1)
log2 = _rounded_from_float64(np.log2, math.log2)
log10 = _rounded_from_float64(np.log10, math.log10)
exp2 = _rounded_from_float64(np.exp2, lambda v: 2.0 ** v)
sinh = _rounded_from_float64(np.sinh, math.sinh)
cosh = _rounded_from_float64(np.cosh, math.cosh)
tan = _rounded_from_float64(np.tan, math.tan)
asin = _rounded_from_float64(np.arcsin, math.asin)
acos = _rounded_from_float64(np.arccos, math.acos)
atan = _rounded_from_float64(np.arctan, math.atan)


_erf_each = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """The error function, computed in float64 and rounded once: PyTorch's float32 erf on the few elements a lesson
    prints (its vectorised kernel, on 16 elements at a time, differs in the last bit for about 1% of inputs)."""
    kind = type(x)
    if kind is np.float32 or kind is np.float64:
        return kind(math.erf(x))
    x = np.asarray(x)
    return np.asarray(_erf_each(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


def atan2(y, x):
    """atan2 computed in float64 and rounded once (PyTorch's vectorised float32 atan2 differs from this in the last
    bit for about 2% of inputs)."""
    dtype = np.result_type(y, x)
    if dtype == np.float32:
        return np.arctan2(np.asarray(y, np.float64), np.asarray(x, np.float64)).astype(np.float32)
    return np.arctan2(y, x)


def sigmoid(x):
    """PyTorch's formula as is: exp(-x) may overflow to inf, and 1 / inf is the 0 PyTorch prints."""
    return 1 / (1 + exp(-x))


def log_sigmoid(x):
    """PyTorch's kernel: min(x, 0) - log1p(exp(-|x|))."""
    return np.minimum(x, 0) - log1p(exp(-np.abs(x)))


def rsqrt(x):
    """PyTorch's kernel: 1 / sqrt(x), each step rounded in the tensor's dtype."""
    return np.divide(np.asarray(x).dtype.type(1), np.sqrt(x))


def power(x, exponent):
    """x ** e for a number e, with PyTorch's shortcuts (they differ from `np.power` in the last bit)."""
    if exponent == 2:
        return x * x
    if exponent == 3:
        return x * x * x
    if exponent == 0.5:
        return np.sqrt(x)
    if exponent == -0.5:
        return 1 / np.sqrt(x)
    if exponent == -1:
        return 1 / x
    if exponent == -2:
        return 1 / (x * x)
    if exponent == 1:
        return np.array(x, copy=True)
    dtype = getattr(x, "dtype", None)
    if dtype is not None and dtype.kind == "f":
        return np.power(x, dtype.type(exponent))
    return np.power(x, exponent)


def add_scaled(x, y, alpha):
    """x + alpha * y rounded once, as PyTorch's fused multiply-add kernel does (its optimizers too)."""
    dtype = np.result_type(x, y)
    if dtype == np.float32:
        wide = np.float64(np.float32(alpha)) * np.asarray(y, np.float64) + np.asarray(x, np.float64)
    elif dtype == np.float64:
        wide = np.longdouble(alpha) * np.asarray(y, np.longdouble) + np.asarray(x, np.longdouble)
    else:
        return x + alpha * y
    return wide.astype(dtype)


def fma32(a, b, c):
    """a * b + c rounded once to float32 (the float64 product of two float32 values is exact)."""
    return (a.astype(np.float64) * b + c).astype(np.float32)


# ---------------------------------------------------------------- PyTorch's vectorised elementwise loops
# An activation's CPU kernel (softplus, elu, gelu's tanh form, ...) has two forms: a vectorised one for steps of
# 32 float32 elements (two AVX-512 vectors), whose exp, log1p, expm1 and tanh are Sleef's (correctly rounded
# nearly always: computed here in float64 and rounded once), and a scalar one for the elements left after the
# last whole step, which calls the C library's float functions. A lesson's tensors are smaller than one step, so
# every element takes the scalar form; glibc's log1pf, expm1f and tanhf (from Sun's fdlibm, not correctly
# rounded: 6%, 10% and 20% of their results differ from the correctly rounded ones) are replayed below, float32
# operation by float32 operation, and agree with glibc 2.36's on every input tried.
KERNEL_STEP = 32


def _float_bits(x) -> int:
    return int(np.array(x, np.float32).view(np.int32))


def _bits_float(i: int):
    return np.array(i & 0xFFFFFFFF, np.uint32).view(np.float32)[()]


_F = np.float32
_LN2_HI, _LN2_LO = _F(6.9313812256e-01), _F(9.0580006145e-06)
_LP = tuple(_F(v) for v in (6.6666668653e-01, 4.0000000596e-01, 2.8571429849e-01, 2.2222198546e-01,
                            1.8183572590e-01, 1.5313838422e-01, 1.4798198640e-01))
_Q = tuple(_F(v) for v in (-3.3333335072e-02, 1.5873016091e-03, -7.9365076090e-05, 4.0082177293e-06,
                           -2.0109921195e-07))


def glibc_log1pf(x):
    """glibc's log1pf (fdlibm's s_log1pf.c) on one float32 value."""
    x = _F(x)
    hx = _float_bits(x)
    ax = hx & 0x7FFFFFFF
    k, c, f, hu = 1, _F(0), _F(0), 0
    if hx < 0x3ED413D7:  # x < 0.41422
        if ax >= 0x3F800000:  # x <= -1
            return _F(-np.inf) if x == _F(-1) else _F(np.nan)
        if ax < 0x31000000:  # |x| < 2**-29
            return x if ax < 0x24800000 else x - x * x * _F(0.5)
        if hx > 0 or hx <= -1097468385:  # -0.2929 < x < 0.41422 (0xbe95f61f as int32)
            k, f, hu = 0, x, 1
    if hx >= 0x7F800000:
        return x + x
    if k != 0:
        if hx < 0x5A000000:
            u = _F(1) + x
            hu = _float_bits(u)
            k = (hu >> 23) - 127
            c = (_F(1) - (u - x) if k > 0 else x - (u - _F(1))) / u
        else:
            u = x
            hu = _float_bits(u)
            k = (hu >> 23) - 127
        hu &= 0x007FFFFF
        if hu < 0x3504F7:
            u = _bits_float(hu | 0x3F800000)
        else:
            k += 1
            u = _bits_float(hu | 0x3F000000)
            hu = (0x00800000 - hu) >> 2
        f = u - _F(1)
    hfsq = _F(0.5) * f * f
    fk = _F(k)
    if hu == 0:  # |f| < 2**-20
        if f == 0:
            return _F(0) if k == 0 else fk * _LN2_HI + (c + fk * _LN2_LO)
        r = hfsq * (_F(1) - _F(0.66666666666666666) * f)
        return f - r if k == 0 else fk * _LN2_HI - ((r - (fk * _LN2_LO + c)) - f)
    s = f / (_F(2) + f)
    z = s * s
    r = z * (_LP[0] + z * (_LP[1] + z * (_LP[2] + z * (_LP[3] + z * (_LP[4] + z * (_LP[5] + z * _LP[6]))))))
    if k == 0:
        return f - (hfsq - s * (hfsq + r))
    return fk * _LN2_HI - ((hfsq - (s * (hfsq + r) + (fk * _LN2_LO + c))) - f)


def glibc_expm1f(x):
    """glibc's expm1f (fdlibm's s_expm1f.c) on one float32 value."""
    x = _F(x)
    one = _F(1)
    hx = _float_bits(x) & 0xFFFFFFFF
    negative = hx & 0x80000000
    hx &= 0x7FFFFFFF
    if hx >= 0x4195B844:  # |x| >= 27 ln 2
        if hx >= 0x42B17218:
            if hx > 0x7F800000:
                return x + x
            if hx == 0x7F800000:
                return _F(-1) if negative else x
            if x > _F(8.8721679688e+01):
                return _F(np.inf)
        if negative:
            return _F(1.0e-30) - one
    c = _F(0)
    if hx > 0x3EB17218:  # |x| > ln 2 / 2: x = k ln 2 + r
        if hx < 0x3F851592:
            hi, lo, k = (x + _LN2_HI, -_LN2_LO, -1) if negative else (x - _LN2_HI, _LN2_LO, 1)
        else:
            k = int(_F(1.4426950216e+00) * x + (_F(-0.5) if negative else _F(0.5)))
            t = _F(k)
            hi, lo = x - t * _LN2_HI, t * _LN2_LO
        x = hi - lo
        c = (hi - x) - lo
    elif hx < 0x33000000:  # |x| < 2**-25
        return x
    else:
        k = 0
    hfx = _F(0.5) * x
    hxs = x * hfx
    r1 = one + hxs * (_Q[0] + hxs * (_Q[1] + hxs * (_Q[2] + hxs * (_Q[3] + hxs * _Q[4]))))
    t = _F(3) - r1 * hfx
    e = hxs * ((r1 - t) / (_F(6) - x * t))
    if k == 0:
        return x - (x * e - hxs)
    e = (x * (e - c) - c) - hxs
    if k == -1:
        return _F(0.5) * (x - e) - _F(0.5)
    if k == 1:
        return -_F(2) * (e - (x + _F(0.5))) if x < _F(-0.25) else one + _F(2) * (x - e)
    if k <= -2 or k > 56:
        return _bits_float(_float_bits(one - (e - x)) + (k << 23)) - one
    if k < 23:
        y = _bits_float(0x3F800000 - (0x1000000 >> k)) - (e - x)
    else:
        y = (x - (e + _bits_float((0x7F - k) << 23))) + one
    return _bits_float(_float_bits(y) + (k << 23))


def glibc_tanhf(x):
    """glibc's tanhf (fdlibm's s_tanhf.c) on one float32 value."""
    x = _F(x)
    one, two = _F(1), _F(2)
    jx = _float_bits(x)
    ix = jx & 0x7FFFFFFF
    if ix >= 0x7F800000:
        return one / x + one if jx >= 0 else one / x - one
    if ix < 0x41B00000:  # |x| < 22
        if ix == 0:
            return x
        if ix < 0x24000000:
            return x * (one + x)
        if ix >= 0x3F800000:
            z = one - two / (glibc_expm1f(two * abs(x)) + two)
        else:
            t = glibc_expm1f(-two * abs(x))
            z = -t / (t + two)
    else:
        z = one - _F(1.0e-30)
    return z if jx >= 0 else -z


def _each(scalar_fn):
    ufunc = np.frompyfunc(scalar_fn, 1, 1)
    return lambda x: np.asarray(ufunc(x), dtype=np.float32)


class VectorisedFunctions:
    """The functions of PyTorch's vectorised loops (Sleef's: correctly rounded here)."""

    exp = staticmethod(exp)
    log1p = staticmethod(log1p)
    expm1 = staticmethod(expm1)
    tanh = staticmethod(tanh)


class ScalarFunctions:
    """The functions of the scalar loop for float32: the C library's (its expf is correctly rounded)."""

    exp = staticmethod(exp)
    log1p = staticmethod(_each(glibc_log1pf))
    expm1 = staticmethod(_each(glibc_expm1f))
    tanh = staticmethod(_each(glibc_tanhf))


def cpu_kernel(formula, *arrays):
    """formula(functions, *arrays) computed as PyTorch's cpu_kernel_vec runs an elementwise kernel: the
    vectorised form on whole steps of KERNEL_STEP elements in memory order, the scalar form (float32: the C
    library's functions) on the elements after them."""
    arrays = np.broadcast_arrays(*[np.asarray(a) for a in arrays])
    out = np.asarray(formula(VectorisedFunctions, *arrays))
    left = out.size % KERNEL_STEP
    if out.dtype == np.float32 and left:
        flat = np.array(out, copy=True).reshape(-1)
        tail = [np.ascontiguousarray(a).reshape(-1)[-left:] for a in arrays]
        flat[-left:] = formula(ScalarFunctions, *tail)
        out = flat.reshape(out.shape)
    return out


def fma(a, b, c):
    """a * b + c rounded once in the result's dtype: the fused multiply-add that PyTorch's compiled kernels use
    (lerp, addcmul). float32 goes through float64 (its product is exact there), float64 through long double."""
    dtype = np.result_type(a, b, c)
    if dtype == np.float32:
        wide = np.float64
    elif dtype == np.float64:
        wide = np.longdouble
    else:
        return np.asarray(a * b + c)
    return np.asarray(np.asarray(a, wide) * np.asarray(b, wide) + np.asarray(c, wide)).astype(dtype)


def cumulative(ufunc, x, axis):
    """cumsum (np.add) or cumprod (np.multiply) as PyTorch's CPU kernel runs it: one running total along the
    axis, kept in float64 for float32 values (its accumulate type) and rounded as each element is written."""
    x = np.asarray(x)
    if x.ndim == 0:
        return np.array(x, copy=True)
    if x.dtype in (np.float32, np.float16):
        return ufunc.accumulate(x.astype(np.float64), axis=axis).astype(x.dtype)
    return ufunc.accumulate(x, axis=axis)


# ---------------------------------------------------------------- topk: libstdc++'s selection order
# PyTorch's CPU topk fills a vector of (value, index) pairs and calls std::partial_sort (when k * 64 <= n) or
# std::nth_element, then std::sort on the first k - 1. Which of several equal values it returns, and in what
# order, is what GCC's libstdc++ algorithms do; they are replayed here step by step (a lesson prints the
# indices of tied values).
def _move_median_to_first(q, result, a, b, c, less):
    if less(q[a], q[b]):
        if less(q[b], q[c]):
            q[result], q[b] = q[b], q[result]
        elif less(q[a], q[c]):
            q[result], q[c] = q[c], q[result]
        else:
            q[result], q[a] = q[a], q[result]
    elif less(q[a], q[c]):
        q[result], q[a] = q[a], q[result]
    elif less(q[b], q[c]):
        q[result], q[c] = q[c], q[result]
    else:
        q[result], q[b] = q[b], q[result]


def _unguarded_partition_pivot(q, first, last, less):
    mid = first + (last - first) // 2
    _move_median_to_first(q, first, first + 1, mid, last - 1, less)
    pivot, lo, hi = first, first + 1, last
    while True:
        while less(q[lo], q[pivot]):
            lo += 1
        hi -= 1
        while less(q[pivot], q[hi]):
            hi -= 1
        if not lo < hi:
            return lo
        q[lo], q[hi] = q[hi], q[lo]
        lo += 1


def _insertion_sort(q, first, last, less):
    for i in range(first + 1, last):
        value = q[i]
        if less(value, q[first]):
            q[first + 1:i + 1] = q[first:i]
            q[first] = value
        else:
            j = i
            while less(value, q[j - 1]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = value


def _adjust_heap(q, first, hole, length, value, less):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(q[first + child], q[first + child - 1]):
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _make_heap(q, first, last, less):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(q, first, parent, length, q[first + parent], less)
        if parent == 0:
            return
        parent -= 1


def _pop_heap(q, first, last, result, less):
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value, less)


def _heap_select(q, first, middle, last, less):
    _make_heap(q, first, middle, less)
    for i in range(middle, last):
        if less(q[i], q[first]):
            _pop_heap(q, first, middle, i, less)


def _sort_heap(q, first, last, less):
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last, less)


def _introsort_loop(q, first, last, depth, less):
    while last - first > 16:
        if depth == 0:
            _heap_select(q, first, last, last, less)
            _sort_heap(q, first, last, less)
            return
        depth -= 1
        cut = _unguarded_partition_pivot(q, first, last, less)
        _introsort_loop(q, cut, last, depth, less)
        last = cut


def _std_sort(q, first, last, less):
    if last - first < 2:
        return
    _introsort_loop(q, first, last, 2 * ((last - first).bit_length() - 1), less)
    if last - first > 16:
        _insertion_sort(q, first, first + 16, less)
        for i in range(first + 16, last):  # (unguarded: the first 16 hold a smaller value)
            value, j = q[i], i
            while less(value, q[j - 1]):
                q[j] = q[j - 1]
                j -= 1
            q[j] = value
    else:
        _insertion_sort(q, first, last, less)


def _nth_element(q, nth, less):
    first, last = 0, len(q)
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(q, first, nth + 1, last, less)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _unguarded_partition_pivot(q, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last, less)


def topk_order(values, k: int, largest: bool, sorted: bool) -> list[int]:
    """The indices PyTorch's CPU topk returns for a 1-d sequence of values, in its order (NaN counts as the
    largest value)."""
    if largest:
        def less(a, b):
            return (a[0] != a[0] and b[0] == b[0]) or a[0] > b[0]
    else:
        def less(a, b):
            return (a[0] == a[0] and b[0] != b[0]) or a[0] < b[0]
    q = [(float(v), i) for i, v in enumerate(values)]
    n = len(q)
    if k == 0:
        return []
    if k * 64 <= n:
        _heap_select(q, 0, k, n, less)
        _sort_heap(q, 0, k, less)
    else:
        _nth_element(q, k - 1, less)
        if sorted:
            _std_sort(q, 0, k - 1, less)
    return [i for _, i in q[:k]]


# ---------------------------------------------------------------- sums in PyTorch's order
# aten/src/ATen/native/cpu/SumKernel.cpp: vectors of 32 bytes (AVX2), four interleaved accumulators, partial
# sums in levels of 16+ rows.
SUM_VECTOR_BYTES = 32
_SUM_ILP = 4
_SUM_LEVELS = 4


def _lanes(dtype) -> int:
    return SUM_VECTOR_BYTES // dtype.itemsize


def _running_sum(start, block):
    """start + block[0] + block[1] + ..., rounding after each addition (np.add.accumulate keeps the order)."""
    return np.add.accumulate(np.concatenate([start[None], block], axis=0), axis=0)[-1]


def _levelled_sum(rows):
    """PyTorch's multi_row_sum over axis 0 of (size, ...): running sums of 2**p rows, carried up 4 levels."""
    size = rows.shape[0]
    power_ = max(4, (0 if size <= 1 else (size - 1).bit_length()) // _SUM_LEVELS)
    step = 1 << power_
    zero = np.zeros(rows.shape[1:], rows.dtype)
    if size < 256:
        # 16-row steps that carry to level 1 only: level 1 is the running sum of the blocks' running sums, level
        # 0 the rows left over. np.add.accumulate adds in order, one rounding each, the same additions except
        # that it starts from the first row, not from +0.0: that changes only the sign of a zero, which adding
        # the empty levels' +0.0 at the end settles, as PyTorch's last additions do.
        blocked = (size // 16) * 16
        level1 = zero
        if blocked:
            block_sums = np.add.accumulate(rows[:blocked].reshape(-1, 16, *rows.shape[1:]), axis=1)[:, -1]
            level1 = np.add.accumulate(block_sums, axis=0)[-1]
        level0 = np.add.accumulate(rows[blocked:], axis=0)[-1] if blocked < size else zero
        return level0 + level1 + zero
    acc = [zero] * _SUM_LEVELS
    i = 0
    while i + step <= size:
        acc[0] = _running_sum(acc[0], rows[i:i + step])
        i += step
        for j in range(1, _SUM_LEVELS):
            acc[j] = acc[j] + acc[j - 1]
            acc[j - 1] = zero
            if i & ((step - 1) << (j * power_)):
                break
    if i < size:
        acc[0] = _running_sum(acc[0], rows[i:])
    total = acc[0]
    for j in range(1, _SUM_LEVELS):
        total = total + acc[j]
    return total


def _interleaved_sum(x):
    """PyTorch's row_sum over axis 0 of (size, ...): 4 interleaved accumulators, leftovers, then combined."""
    size = x.shape[0]
    n_ilp = size // _SUM_ILP
    if n_ilp:
        partial = _levelled_sum(x[:n_ilp * _SUM_ILP].reshape((n_ilp, _SUM_ILP, *x.shape[1:])))
    else:
        partial = np.zeros((_SUM_ILP, *x.shape[1:]), x.dtype)
    total = partial[0]
    if n_ilp * _SUM_ILP < size:
        total = _running_sum(total, x[n_ilp * _SUM_ILP:])
    for k in range(1, _SUM_ILP):
        total = total + partial[k]
    return total


def _rows_sum(x):
    """(rows, n) -> (rows,): each row as PyTorch sums a contiguous run (vectorized_inner_sum)."""
    rows, n = x.shape
    lanes = _lanes(x.dtype)
    if n < lanes:
        return _interleaved_sum(x.T)
    n_vec = n // lanes
    per_lane = _interleaved_sum(x[:, :n_vec * lanes].reshape(rows, n_vec, lanes).transpose(1, 2, 0))
    total = np.zeros(rows, x.dtype)
    if n_vec * lanes < n:
        total = _running_sum(total, x[:, n_vec * lanes:].T)
    return _running_sum(total, per_lane)


def _columns_sum(x):
    """(r, c) -> (c,): as PyTorch sums a reduced outer dim (vectorized_outer_sum / scalar_outer_sum)."""
    c = x.shape[1]
    lanes = _lanes(x.dtype)
    split = (c // (4 * lanes)) * 4 * lanes if c >= lanes else (c // 4) * 4
    out = np.empty(c, x.dtype)
    if split:
        out[:split] = _levelled_sum(x[:, :split])
    if split < c:
        out[split:] = _interleaved_sum(x[:, split:])
    return out


def _short_sum(flat):
    """Fewer elements than one vector holds: a running sum, or for 4 to 7 elements the first four as
    accumulators and the rest into the first (the same order as _rows_sum, on numpy scalars)."""
    zero = flat.dtype.type(0)
    if len(flat) < _SUM_ILP:
        total = zero
        for v in flat:
            total = total + v
        return total
    first = [zero + v for v in flat[:_SUM_ILP]]
    total = first[0]
    for v in flat[_SUM_ILP:]:
        total = total + v
    for v in first[1:]:
        total = total + v
    return total


def _flat_sum(flat):
    """`_rows_sum` of one contiguous run (a whole sum) in a few numpy calls: the same additions in the same
    order (an MSE over 640 elements: 5 us instead of 25). Numpy's reduce over an outer axis adds row after
    row, one rounding each, so it replays a running sum of rows; those start from their first term instead of
    +0.0, which changes nothing but a zero's sign, settled at the end."""
    n, lanes = flat.size, _lanes(flat.dtype)
    width = _SUM_ILP * lanes  # one row: the four interleaved accumulators' vectors
    n_vec = n // lanes
    n_ilp = n_vec // _SUM_ILP
    if n_ilp > 255:  # (partial sums would carry past the second level: the general replay)
        return _rows_sum(flat.reshape(1, -1))[0]
    rows = flat[:n_ilp * width].reshape(n_ilp, width)
    # _levelled_sum with 16-row steps: level 1 holds the whole blocks' running sums, level 0 the rows left over
    blocked = (n_ilp // 16) * 16
    if blocked:
        level = np.add.reduce(rows[:blocked].reshape(-1, 16, width), axis=1)
        level = np.add.reduce(level, axis=0) if blocked > 16 else level[0]
        if blocked < n_ilp:
            level = np.add.reduce(rows[blocked:], axis=0) + level
    elif n_ilp:
        level = np.add.reduce(rows, axis=0)
    else:
        level = np.zeros(width, flat.dtype)
    partial = level.reshape(_SUM_ILP, lanes)
    # _interleaved_sum: accumulator 0, the vectors left over, then accumulators 1, 2, 3
    if n_ilp * width < n_vec * lanes:
        left = flat[n_ilp * width:n_vec * lanes].reshape(-1, lanes)
        partial = np.concatenate((partial[:1], left, partial[1:]))
    per_lane = np.add.reduce(partial, axis=0)
    # _rows_sum: from 0, the elements past the last vector, then the lanes in order
    if n_vec * lanes < n:
        per_lane = np.concatenate((flat[n_vec * lanes:], per_lane))
    # PyTorch's running sums all start from +0.0, so its total is never -0.0: adding +0.0 last settles it
    return np.add.accumulate(per_lane)[-1] + flat.dtype.type(0)


def torch_sum(x, axis=None, keepdims=False):
    """Sum as PyTorch adds: its order for floats (results agree to the last bit), numpy's for integers and for
    tensors of more than EXACT_ROUNDING_MAX elements."""
    x = np.asarray(x)
    if x.dtype.kind != "f":  # integers add up in int64, as in PyTorch
        return np.asarray(np.sum(x, axis=axis, keepdims=keepdims))
    if x.ndim == 0 or x.size == 0 or x.size > EXACT_ROUNDING_MAX:
        axis = tuple(axis) if isinstance(axis, list) else axis
        return np.asarray(np.add.reduce(x, axis=axis, keepdims=keepdims), dtype=x.dtype)
    if (axis is None or x.ndim == 1) and not keepdims and x.flags.c_contiguous:  # a whole sum
        flat = x.reshape(-1)
        return np.asarray(_short_sum(flat) if x.size < _lanes(x.dtype) else _flat_sum(flat), dtype=x.dtype)
    if x.ndim == 2 and 1 not in x.shape and x.flags.c_contiguous and axis is not None and np.size(axis) == 1:
        # a matrix summed over one dim (a bias's gradient over a batch): what the general code below comes to,
        # the slice's sum added to the output's +0.0
        dim = int(np.ravel(axis)[0]) % 2
        result = (_columns_sum(x) if dim == 0 else _rows_sum(x)) + x.dtype.type(0)
        return result.reshape((1, -1) if dim == 0 else (-1, 1)) if keepdims else result
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else tuple(int(a) % nd for a in np.atleast_1d(axis))
    # PyTorch walks memory order: outermost stride first; adjacent dims of one kind merge into one
    order = sorted(range(nd), key=lambda d: (-abs(x.strides[d]), d))
    xp = np.transpose(x, order)
    shape, reduced = [], []
    for n, d in zip(xp.shape, order):
        if n == 1:
            continue
        if reduced and reduced[-1] == (d in axes):
            shape[-1] *= n
        else:
            shape.append(n)
            reduced.append(d in axes)
    if not any(reduced):
        result = np.array(xp, copy=True)
    elif len(shape) == 1:
        result = _rows_sum(np.ascontiguousarray(xp).reshape(1, -1))[0]
    else:
        blocks = np.ascontiguousarray(xp).reshape((-1, *shape[-2:]))
        outer_shape, outer_reduced = shape[:-2], reduced[:-2]
        result = np.zeros([n for n, r in zip(shape, reduced) if not r], x.dtype)
        for block, outer in zip(blocks, np.ndindex(*outer_shape)):
            part = _rows_sum(block) if reduced[-1] else _columns_sum(block)
            where = tuple(i for i, r in zip(outer, outer_reduced) if not r)
            result[where] = result[where] + part  # PyTorch accumulates each outer slice into the output
    kept = [i for i, d in enumerate(order) if d not in axes]
    result = np.reshape(result, [xp.shape[i] for i in kept])
    result = np.transpose(result, np.argsort([order[i] for i in kept]))
    if keepdims:
        result = np.reshape(result, tuple(1 if d in axes else n for d, n in enumerate(x.shape)))
    return np.asarray(result, dtype=x.dtype)


def torch_mean(x, axis=None, keepdims=False):
    """PyTorch's mean: the sum, then one division by the count in the tensor's dtype."""
    x = np.asarray(x)
    n = x.size if axis is None else math.prod([x.shape[d] for d in np.atleast_1d(axis)])
    return np.asarray(torch_sum(x, axis, keepdims) / x.dtype.type(n), dtype=x.dtype)


def running_total(x, axis):
    """The sum along `axis` added one element after another, as PyTorch's softmax kernels add (kept dims)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x
    return np.take(np.add.accumulate(x, axis=axis), [-1], axis=axis)


# PyTorch's float32 softmax backward (aten/src/ATen/native/cpu/SoftMaxKernel.cpp, built for AVX-512 as the
# oracle's machine runs it) sums grad * output in its own orders; a softmax whose gradient sums to zero shows
# them (PyTorch prints -1.29e-08 where another order gives -0.).
SOFTMAX_LANES = 16  # float32 lanes of one AVX-512 vector


def softmax_dot(g, y, axis):
    """Σ g·y over `axis` (kept), in the order of PyTorch's float32 softmax backward kernel; numpy's order for
    other dtypes."""
    if g.dtype != np.float32 or g.shape != y.shape or g.ndim == 0:
        return torch_sum(g * y, axis, keepdims=True)
    axis %= g.ndim
    return _dot_along_last(g, y) if axis == g.ndim - 1 else _fused_dot_along(g, y, axis)


def _dot_along_last(g, y):
    """Σ g·y over the last dim as map2_reduce_all adds: fewer elements than a vector add up one after another;
    otherwise one vector of products accumulates the following vectors lane by lane (the partial last vector
    with fused multiply-adds, as the compiled kernel does), and the lanes are added by halves."""
    n = g.shape[-1]
    products = g * y
    if n < SOFTMAX_LANES:
        return np.add.accumulate(products, axis=-1)[..., -1:]
    acc = products[..., :SOFTMAX_LANES]
    d = SOFTMAX_LANES
    while d < n - n % SOFTMAX_LANES:
        acc = acc + products[..., d:d + SOFTMAX_LANES]
        d += SOFTMAX_LANES
    if d < n:
        tail = n - d
        acc = acc.copy()
        acc[..., :tail] = fma32(g[..., d:], y[..., d:], acc[..., :tail])
    half = SOFTMAX_LANES
    while half > 1:
        half //= 2
        acc = acc[..., :half] + acc[..., half:2 * half]
    return acc


def _fused_dot_along(g, y, axis):
    """Σ g·y over an inner dim as _vec_softmax_backward adds: from zero, one fused multiply-add per step."""
    g64, y64 = np.moveaxis(g, axis, 0).astype(np.float64), np.moveaxis(y, axis, 0).astype(np.float64)
    acc = np.zeros(g64.shape[1:], np.float32)
    for k in range(g64.shape[0]):
        acc = (g64[k] * y64[k] + acc).astype(np.float32)
    return np.expand_dims(acc, axis)


def cascade_sum(values, dtype, positions, batch):
    """PyTorch's nll_loss total: per-sample values carried up eight levels of 16+ samples (decided by each
    sample's position in the batch, ignored ones skipped), the levels added last."""
    levels = 8
    power_ = max(4, (0 if batch <= 1 else (batch - 1).bit_length()) // levels)
    mask = (1 << power_) - 1
    acc = [dtype.type(0)] * levels
    for b, v in zip(positions, (dtype.type(v) for v in np.ravel(values))):
        acc[0] = acc[0] + v
        for j in range(levels - 1):
            if b & (mask << (j * power_)):
                break
            acc[j + 1] = acc[j + 1] + acc[j]
            acc[j] = dtype.type(0)
    total = dtype.type(0)
    for v in acc:
        total = total + v
    return total


# ---------------------------------------------------------------- matrix products
# PyTorch's CPU matrix products (MKL's gemm) add a small product's k terms one after another; numpy's BLAS
# picks a kernel for the CPU it runs on, whose blocked sums differ in the last bit (OpenBLAS on AMD Zen 5
# agreed with PyTorch for 22% of random products up to 13x13x13, this order for 82%, and for every
# vector @ matrix). mm uses it for products of up to this many terms (m * k * n), the size whose results a
# lesson prints; larger ones go to BLAS (a 32x20 @ 20x64 product: 28 us in order, 2 us in BLAS; 300 random
# lesson-style programs differ from PyTorch as often with either bound). Matrix @ vector: `mv_in_order`.
IN_ORDER_MAX_TERMS = 4096


# PyTorch's matrix @ vector (MKL's gemv) adds the k products of a row in order when k is at most 4 (1,500
# random float32 shapes: all agreed; numpy's BLAS agreed on 9%); for longer rows its kernel blocks the sum in
# a way not replayed here (BLAS then, within the last bit). d2l's synthetic data is a (n, 2) @ (2,) product.
MV_IN_ORDER_MAX_K = 4


def mv_in_order(a, v):
    """`a @ v` of a matrix and a vector, the row sums in order for short rows; BLAS otherwise."""
    k = a.shape[1]
    if a.dtype.kind == "f" and a.dtype == v.dtype and 1 < k <= MV_IN_ORDER_MAX_K:
        total = a[:, 0] * v[0]
        for j in range(1, k):
            total = total + a[:, j] * v[j]
        return total
    return np.matmul(a, v)


def matmul_in_order(a, b):
    """`a @ b` of two matrices, small float ones summed over k in order: each product rounded, then added to
    the running sum. Anything else is np.matmul."""
    if a.dtype.kind == "f" and a.dtype == b.dtype:
        m, k = a.shape
        n = b.shape[1]
        if k > 1 and m * k * n <= IN_ORDER_MAX_TERMS:
            terms = np.multiply(a[:, :, None], b)  # (m, k, n)
            if n > 1:
                # numpy reduces over an outer axis one row after another, each output element in order (the
                # same bits as a running sum); over the innermost axis (one column) it would sum pairwise,
                # so a single column takes np.add.accumulate, which keeps the order
                return np.add.reduce(terms, axis=1)
            return np.add.accumulate(terms, axis=1)[:, -1, :].copy()
    return np.matmul(a, b)


# PyTorch's bmm adds each product's k terms one after another too: for batches of products of fewer than 400
# terms (m * k * n) its own loop (baddbmm_cpu_kernel, in the tensor's dtype), for larger ones MKL, whose small
# products sum in order as mm's do. Batches whose products are in mm's in-order range take this path.
def bmm_in_order(a, b):
    """`a @ b` of two batches of matrices, each product as `matmul_in_order` sums it."""
    if a.dtype.kind == "f" and a.dtype == b.dtype:
        _, m, k = a.shape
        n = b.shape[2]
        if k > 1 and m * k * n <= IN_ORDER_MAX_TERMS:
            terms = np.multiply(a[:, :, :, None], b[:, None, :, :])  # (batch, m, k, n)
            if n > 1:
                return np.add.reduce(terms, axis=2)
            return np.add.accumulate(terms, axis=2)[:, :, -1, :].copy()
    return np.matmul(a, b)
