"""PyTorch's CPU random number generator, reproduced bit for bit in numpy.

``manual_seed(s)`` followed by ``rand``/``randn``/``normal_``/``uniform_``/``randint``/``randperm``/
``bernoulli_`` gives the same numbers as ``torch.manual_seed(s)`` followed by the same torch calls
(checked against torch 2.13 CPU on x86-64, see tests/engine/test_random.py).

How torch's CPU generator works, and so how this module works:

* The engine is a 32-bit Mersenne Twister (mt19937) seeded with the low 32 bits of the 64-bit seed
  (the classic ``init_genrand``).  numpy's ``MT19937`` bit generator produces the identical stream once
  its key is set to that state, so draws are vectorised.
* A 64-bit draw is two 32-bit draws, the first one the high half.
* float32 uniforms use one 32-bit draw: ``(u32 & (2**24 - 1)) * 2**-24``; float64 uniforms use one
  64-bit draw: ``(u64 & (2**53 - 1)) * 2**-53``.  ``uniform_(a, b)`` is ``fma(x, b - a, a)`` in the
  tensor's dtype (torch's kernel is compiled with FMA contraction).
* ``normal_`` has three paths:
  - fewer than 16 elements (or a non-contiguous tensor): Box-Muller in double precision from two
    64-bit uniforms; the sine half is cached in the generator and returned by the next scalar draw
    (the cache survives between calls and is cleared by ``manual_seed``);
  - float32 with at least 16 contiguous elements: all uniforms are drawn first, then each block of
    16 turns its first 8 into ``1 - u`` (radius) and its last 8 into angles, evaluated with the
    Cephes-style ``log256_ps``/``sincos256_ps`` AVX2 polynomials (float32 arithmetic, with the
    multiply-adds the compiler fuses); if the size is not a multiple of 16 the last 16 elements are
    recomputed from 16 fresh uniforms;
  - float64 with at least 16 contiguous elements: the same block layout with libm's log/cos/sin.
"""

from __future__ import annotations

import math
import os
from fractions import Fraction

import numpy as np

DEFAULT_SEED = 67280421310721  # what a fresh torch.Generator() holds

_MT_N = 624
_UINT64_MASK = (1 << 64) - 1
_STATE_BYTES = 5056  # torch's CPUGeneratorImplState
_LEGACY_STATE_BYTES = 5048  # torch's older THGeneratorState, still accepted by set_state
_TWO_PI = 2.0 * math.pi

# glibc's scalar log/cos/sin, which torch's float64 kernels call. numpy's float64 log is its own SIMD code
# and differs in the last bit for some inputs (13,922 of 4 million here), so log goes through Python's math
# (glibc) element by element; numpy's float64 cos and sin call glibc (0 differences in 4 million, on an AVX-512
# machine too), so they stay vectorised; tests/engine's randn records against PyTorch would show a numpy that
# changed that.
_libm_log = np.frompyfunc(math.log, 1, 1)
_libm_log1p = np.frompyfunc(math.log1p, 1, 1)


def _libm_cos(x):
    return np.cos(np.asarray(x, dtype=np.float64))


def _libm_sin(x):
    return np.sin(np.asarray(x, dtype=np.float64))


def _format_double(value: float) -> str:
    """C++ ``ostream << double`` with its default precision, as torch's messages print numbers."""
    return f"{value:g}"


def _mt19937_key(seed: int) -> np.ndarray:
    """mt19937 state of torch's engine for a 64-bit seed: init_genrand of the low 32 bits."""
    key = np.empty(_MT_N, dtype=np.uint32)
    x = seed & 0xFFFFFFFF
    key[0] = x
    for i in range(1, _MT_N):
        x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
        key[i] = x
    return key


def _check_seed(seed) -> int:
    """torch.Generator.manual_seed's argument rules: an int in [-2**63, 2**64); negatives wrap."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if seed < -(1 << 63) or seed > _UINT64_MASK:
        raise ValueError("Overflow when unpacking long long")
    return seed & _UINT64_MASK


# ---------------------------------------------------------------------------------------------------
# Exact fused multiply-add, because torch's kernels are compiled with FMA and numpy has no fma ufunc.


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _add_round_to_odd(a, b):
    """a + b rounded to odd (float64): exact if representable, else the odd neighbour of the sum."""
    s, err = _two_sum(a, b)
    fix = (err != 0) & ((s.view(np.int64) & 1) == 0)
    if fix.any():
        s = np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    return s


def _fma_float32(a, b, c):
    """Correctly rounded float32 a*b + c. The product is exact in float64 and the float64 sum s is off by
    err; rounding s to float32 is then already correct except where s sits exactly halfway between two
    float32 numbers and err is not zero (a double rounding): there the float64 sum rounded to odd decides.
    The halfway cases are rare, so only they take the slower path (float32 subnormals always do)."""
    product = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    addend = np.broadcast_to(np.asarray(c, np.float64), product.shape)
    s, err = _two_sum(product, addend)
    out = s.astype(np.float32)
    dropped = s.view(np.int64) & _DROPPED_MASK  # the 29 mantissa bits float32 has no room for
    doubtful = ((dropped == _HALFWAY) & (err != 0)) | (np.abs(s) < _FLOAT32_TINY)
    if doubtful.any():
        where = np.nonzero(doubtful)
        out[where] = _add_round_to_odd(product[where], addend[where]).astype(np.float32)
    return out


_DROPPED_MASK = (1 << 29) - 1
_HALFWAY = 1 << 28
_FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _two_product(a, b):
    """a*b = p + e exactly (Veltkamp splitting; valid away from overflow and underflow)."""
    split = 134217729.0  # 2**27 + 1
    ca = split * a
    a_hi = ca - (ca - a)
    a_lo = a - a_hi
    cb = split * b
    b_hi = cb - (cb - b)
    b_lo = b - b_hi
    p = a * b
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _fma_float64(a, b, c):
    """Correctly rounded float64 a*b + c (Boldo and Melquiond's emulation with rounding to odd).

    Inputs far from 1 in magnitude, where the splitting could overflow or underflow, fall back to
    exact rational arithmetic."""
    a, b, c = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                  np.asarray(c, np.float64))
    product_hi, product_lo = _two_product(a, b)
    sum_hi, sum_lo = _two_sum(c, product_hi)
    result = sum_hi + _add_round_to_odd(sum_lo, product_lo)
    magnitudes = np.abs(np.stack([a, b, c, product_hi]))
    risky = ~np.isfinite(result) | ((magnitudes > 2.0**900) | ((magnitudes < 2.0**-900) & (magnitudes > 0)
                                                              )).any(axis=0)
    if risky.any():
        result = np.array(result, copy=True)
        for index in zip(*np.nonzero(risky)):
            result[index] = _fma_exact_scalar(float(a[index]), float(b[index]), float(c[index]))
    return result


def _fma_exact_scalar(a: float, b: float, c: float) -> float:
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        return float(Fraction(a) * Fraction(b) + Fraction(c))
    except OverflowError:
        return math.copysign(math.inf, a * b if c == 0 else (a * b + c))


# ---------------------------------------------------------------------------------------------------
# The AVX2 float32 Box-Muller of torch's normal kernel (Cephes polynomials from avx_mathfun.h).
# Every line mirrors one vector instruction; _fma_float32 marks the multiply-adds GCC contracts.

_F = np.float32
_LOG_POLY = tuple(_F(c) for c in (
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1))
_LOG_Q1 = _F(-2.12194440e-4)
_LOG_Q2 = _F(0.693359375)
_SQRT_HALF = _F(0.707106781186547524)
_MIN_NORMAL_BITS = 0x00800000
_EXPONENT_BITS = 0x7F800000
_HALF_BITS = 0x3F000000
_FOUR_OVER_PI = _F(1.27323954473516)
_MINUS_DP = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_COS_POLY = (_F(2.443315711809948e-005), _F(-1.388731625493765e-003), _F(4.166664568298827e-002))
_SIN_POLY = (_F(-1.9515295891e-4), _F(8.3321608736e-3), _F(-1.6666654611e-1))
_SIGN_BIT = np.int32(-(1 << 31))


def _log_avx2(x: np.ndarray) -> np.ndarray:
    """log256_ps for positive float32 inputs (the only inputs Box-Muller gives it)."""
    bits = np.maximum(x.view(np.int32), np.int32(_MIN_NORMAL_BITS))
    exponent = ((bits >> 23) - 0x7F).astype(_F) + _F(1)
    x = ((bits & ~_EXPONENT_BITS) | _HALF_BITS).view(_F)  # mantissa scaled into [0.5, 1)
    below = x < _SQRT_HALF
    tmp = np.where(below, x, _F(0))
    x = x - _F(1)
    exponent = exponent - np.where(below, _F(1), _F(0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, _LOG_POLY[0])
    for coefficient in _LOG_POLY[1:]:
        y = _fma_float32(y, x, coefficient)
    y = y * x
    y = _fma_float32(y, z, exponent * _LOG_Q1)
    y = y - z * _F(0.5)
    x = x + y
    return x + exponent * _LOG_Q2


def _sincos_avx2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sincos256_ps: Cephes range reduction by pi/4 and two polynomials, in float32."""
    sign_sin = x.view(np.int32) & _SIGN_BIT
    x = np.abs(x)
    octant = (x * _FOUR_OVER_PI).astype(np.int32)  # truncation, like cvttps
    octant = (octant + 1) & ~1
    y = octant.astype(_F)
    sign_sin = sign_sin ^ ((octant & 4) << 29)
    use_cos_poly = (octant & 2) != 0
    sign_cos = (~(octant - 2) & 4) << 29
    for minus_dp in _MINUS_DP:
        x = _fma_float32(y, minus_dp, x)
    z = x * x
    cos_poly = _fma_float32(np.full_like(z, _COS_POLY[0]), z, _COS_POLY[1])
    cos_poly = _fma_float32(cos_poly, z, _COS_POLY[2])
    cos_poly = cos_poly * z
    cos_poly = _fma_float32(cos_poly, z, -(z * _F(0.5)))
    cos_poly = cos_poly + _F(1)
    sin_poly = _fma_float32(np.full_like(z, _SIN_POLY[0]), z, _SIN_POLY[1])
    sin_poly = _fma_float32(sin_poly, z, _SIN_POLY[2])
    sin_poly = sin_poly * z
    sin_poly = _fma_float32(sin_poly, x, x)
    # the selected polynomial is added to +0.0, as the masked adds of the original do
    sin_from_sin = np.where(use_cos_poly, _F(0), sin_poly)
    sin_from_cos = np.where(use_cos_poly, cos_poly, _F(0))
    sine = sin_from_cos + sin_from_sin
    cosine = (cos_poly - sin_from_cos) + (sin_poly - sin_from_sin)
    sine = (sine.view(np.int32) ^ sign_sin).view(_F)
    cosine = (cosine.view(np.int32) ^ sign_cos).view(_F)
    return sine, cosine


_BLOCK_CHUNK = 16 * 4096  # elements of normal_ computed per pass over the Box-Muller steps


def _box_muller_blocks_float32(uniforms: np.ndarray, mean: np.float32, std: np.float32) -> np.ndarray:
    """normal_fill_16_AVX2 over rows of 16 float32 uniforms."""
    radius = np.sqrt(_F(-2) * _log_avx2(_F(1) - uniforms[:, :8]))
    sine, cosine = _sincos_avx2(_F(_TWO_PI) * uniforms[:, 8:])
    out = np.empty_like(uniforms)
    out[:, :8] = _scale_shift_float32(radius * cosine, mean, std)
    out[:, 8:] = _scale_shift_float32(radius * sine, mean, std)
    return out


def _scale_shift_float32(values, mean: np.float32, std: np.float32):
    """fma(values, std, mean) in float32; with std 1 a float32 addition rounds once, as the fma does."""
    if std == 1:
        return values + mean
    return _fma_float32(values, std, mean)


def _box_muller_blocks_float64(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    """normal_fill_16<double> over rows of 16 float64 uniforms, with libm's log/cos/sin."""
    radius = np.sqrt(-2.0 * _libm_log(1.0 - uniforms[:, :8]).astype(np.float64))
    theta = _TWO_PI * uniforms[:, 8:]
    out = np.empty_like(uniforms)
    out[:, :8] = _scale_shift_float64(radius * _libm_cos(theta).astype(np.float64), mean, std)
    out[:, 8:] = _scale_shift_float64(radius * _libm_sin(theta).astype(np.float64), mean, std)
    return out


def _scale_shift_float64(values, mean: float, std: float):
    """fma(values, std, mean); exact with plain numpy when std is 1."""
    if std == 1.0:
        return values + mean
    return _fma_float64(values, std, mean)


def _fill_in_memory_order(out: np.ndarray, values: np.ndarray) -> None:
    """Write values the way torch's serial kernels walk a tensor: in memory order."""
    if out.flags.c_contiguous:
        out.reshape(-1)[...] = values
        return
    axes = sorted(range(out.ndim), key=lambda axis: -abs(out.strides[axis]))
    view = out.transpose(axes)
    view[...] = values.reshape(view.shape)


def _read_in_memory_order(array: np.ndarray) -> np.ndarray:
    if array.flags.c_contiguous:
        return array.reshape(-1)
    axes = sorted(range(array.ndim), key=lambda axis: -abs(array.strides[axis]))
    return array.transpose(axes).reshape(-1)


def _check_float_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"expected float32 or float64, got {dtype}")
    return dtype


def _shape_tuple(shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(int(size) for size in shape)
    for size in shape:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: "
                               f"[{', '.join(str(s) for s in shape)}]")
    return shape


class Generator:
    """torch.Generator() on the CPU: mt19937 plus the cached second Box-Muller normal."""

    def __init__(self, device="cpu", *, seed: int = DEFAULT_SEED):
        # torch.Generator(device="cpu") takes no seed; the keyword is ours, for reseeding in one call
        if str(device) != "cpu":
            raise RuntimeError(f"only CPU generators are supported, got device {device}")
        self.device = "cpu"
        self._bits = np.random.MT19937(0)
        self.manual_seed(seed)

    def __repr__(self) -> str:
        # what `torch.manual_seed(0)` shows in a notebook cell
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # -- seeding ----------------------------------------------------------------------------------

    def manual_seed(self, seed) -> Generator:
        seed = _check_seed(seed)
        self._initial_seed = seed
        self._seed_key = _mt19937_key(seed)
        self._set_engine(self._seed_key, 0)
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None
        return self

    def initial_seed(self) -> int:
        return self._initial_seed

    def seed(self) -> int:
        """Reseed from the operating system's entropy, as torch does (64 random bits)."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def _set_engine(self, key: np.ndarray, drawn: int) -> None:
        """Install an mt19937 key; drawn = outputs already taken from it (0 = untwisted seed state)."""
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": np.asarray(key, dtype=np.uint32), "pos": drawn or _MT_N}}

    # -- state, in torch's byte layout so torch.get_rng_state() output can be loaded and vice versa -

    def get_state(self) -> np.ndarray:
        """torch's CPUGeneratorImplState as 5056 bytes (uint8)."""
        engine = self._bits.state["state"]
        key = np.asarray(engine["key"], dtype=np.uint32)
        pos = int(engine["pos"])
        if pos == _MT_N and np.array_equal(key, self._seed_key):
            left, next_index = 1, 0  # freshly seeded, nothing drawn yet
        else:
            left, next_index = _MT_N + 1 - pos, pos
        state = np.zeros(_STATE_BYTES, dtype=np.uint8)
        state[0:8] = np.frombuffer(np.uint64(self._initial_seed).tobytes(), np.uint8)
        state[8:16] = np.frombuffer(np.array([left, 1], dtype=np.int32).tobytes(), np.uint8)
        state[16:24] = np.frombuffer(np.uint64(next_index).tobytes(), np.uint8)
        state[24:5016] = np.frombuffer(key.astype(np.uint64).tobytes(), np.uint8)
        if self._next_double_normal is not None:
            state[5024:5032] = np.frombuffer(np.float64(self._next_double_normal).tobytes(), np.uint8)
            state[5040:5044] = np.frombuffer(np.int32(1).tobytes(), np.uint8)
        if self._next_float_normal is not None:
            state[5048:5052] = np.frombuffer(np.float32(self._next_float_normal).tobytes(), np.uint8)
            state[5052] = 1
        return state

    def set_state(self, state) -> Generator:
        state = np.ascontiguousarray(np.asarray(state, dtype=np.uint8)).reshape(-1)
        if state.size not in (_STATE_BYTES, _LEGACY_STATE_BYTES):
            raise RuntimeError(
                f"Expected either a THGeneratorState of size {_LEGACY_STATE_BYTES} or a "
                f"CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG state size to be "
                f"{state.size}")
        raw = state.tobytes()
        self._initial_seed = int(np.frombuffer(raw[0:8], np.uint64)[0])
        left = int(np.frombuffer(raw[8:12], np.int32)[0])
        key = np.frombuffer(raw[24:5016], np.uint64).astype(np.uint32)
        self._seed_key = _mt19937_key(self._initial_seed)
        self._set_engine(key, _MT_N + 1 - left if left > 1 else 0)
        double_valid = int(np.frombuffer(raw[5040:5044], np.int32)[0]) != 0
        cached = float(np.frombuffer(raw[5024:5032], np.float64)[0])
        self._next_double_normal = cached if double_valid else None
        self._next_float_normal = None
        if state.size == _STATE_BYTES and raw[5052]:
            self._next_float_normal = float(np.frombuffer(raw[5048:5052], np.float32)[0])
        return self

    # -- raw draws --------------------------------------------------------------------------------

    def random32(self, count: int) -> np.ndarray:
        """count 32-bit outputs of the engine (as uint64)."""
        return self._bits.random_raw(count) if count else np.zeros(0, dtype=np.uint64)

    def random64(self, count: int) -> np.ndarray:
        """count 64-bit outputs: two 32-bit draws each, the first one the high half."""
        pairs = self.random32(2 * count)
        return (pairs[0::2] << np.uint64(32)) | pairs[1::2]

    def _uniform01(self, count: int, dtype: np.dtype) -> np.ndarray:
        if dtype == np.float32:
            return (self.random32(count) & np.uint64(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)
        return (self.random64(count) & np.uint64((1 << 53) - 1)).astype(np.float64) * 2.0**-53

    # -- distributions ----------------------------------------------------------------------------

    def uniform_(self, out: np.ndarray, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """Fill out (float32/float64) like Tensor.uniform_(low, high)."""
        dtype = _check_float_dtype(out.dtype)
        low_t, high_t = dtype.type(low), dtype.type(high)
        if not low_t <= high_t:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                               f"from={_format_double(low)} > to={_format_double(high)}")
        span = high_t - low_t
        if not np.isfinite(span):
            kind = "Float" if dtype == np.float32 else "Double"
            raise RuntimeError(
                f"uniform_ expects to-from <= std::numeric_limits<{kind}>::max(), but found "
                f"to={_format_double(high)} and from={_format_double(low)} which result in to-from to "
                "exceed the limit")
        x = self._uniform01(out.size, dtype)
        if dtype == np.float32:
            values = _fma_float32(x, span, low_t)
        elif span == 1.0:
            values = x + low_t
        else:
            values = _fma_float64(x, span, low_t)
        _fill_in_memory_order(out, values)
        return out

    def rand(self, shape, dtype=np.float32) -> np.ndarray:
        out = np.empty(_shape_tuple(shape), dtype=_check_float_dtype(dtype))
        return self.uniform_(out)

    def normal_(self, out: np.ndarray, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
        """Fill out (float32/float64) like Tensor.normal_(mean, std)."""
        dtype = _check_float_dtype(out.dtype)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_format_double(std)}")
        size = out.size
        if size >= 16 and out.flags.c_contiguous:
            flat = out.reshape(-1)
            full = size - size % 16
            if dtype == np.float32:
                blocks = _box_muller_blocks_float32
                mean_t, std_t = np.float32(mean), np.float32(std)
            else:
                blocks = _box_muller_blocks_float64
                mean_t, std_t = float(mean), float(std)
            uniforms = self._uniform01(size, dtype)
            # a few thousand rows at a time: the temporaries stay in the processor's cache (measured 2x)
            for start in range(0, full, _BLOCK_CHUNK):
                stop = min(start + _BLOCK_CHUNK, full)
                flat[start:stop] = blocks(uniforms[start:stop].reshape(-1, 16), mean_t, std_t).reshape(-1)
            if full != size:
                # torch draws the whole buffer first, then redoes the last 16 from fresh draws
                flat[size - 16:] = blocks(self._uniform01(16, dtype).reshape(1, 16), mean_t, std_t)[0]
            return out
        values = _scale_shift_float64(self._scalar_normals(size), float(mean), float(std))
        _fill_in_memory_order(out, values.astype(dtype))
        return out

    def _scalar_normals(self, count: int) -> np.ndarray:
        """count draws of at::normal_distribution<double>, vectorised: each pair of float64 uniforms
        (u1, u2) gives r*cos and r*sin with r = sqrt(-2 log1p(-u2)), theta = 2 pi u1; a sine not used
        by this call stays cached in the generator for the next one."""
        values = []
        if count and self._next_double_normal is not None:
            values.append(np.array([self._next_double_normal]))
            self._next_double_normal = None
            count -= 1
        pairs = (count + 1) // 2
        if pairs:
            uniforms = self._uniform01(2 * pairs, np.dtype(np.float64))
            radius = np.sqrt(-2.0 * _libm_log1p(-uniforms[1::2]).astype(np.float64))
            theta = _TWO_PI * uniforms[0::2]
            interleaved = np.empty(2 * pairs)
            interleaved[0::2] = radius * _libm_cos(theta).astype(np.float64)
            interleaved[1::2] = radius * _libm_sin(theta).astype(np.float64)
            if count % 2:
                self._next_double_normal = float(interleaved[-1])
            values.append(interleaved[:count])
        return np.concatenate(values) if values else np.zeros(0)

    def randn(self, shape, dtype=np.float32) -> np.ndarray:
        out = np.empty(_shape_tuple(shape), dtype=_check_float_dtype(dtype))
        return self.normal_(out)

    def randint(self, low: int, high: int, shape) -> np.ndarray:
        """torch.randint(low, high, shape) as int64."""
        low, high = int(low), int(high)
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        shape = _shape_tuple(shape)
        count = math.prod(shape)
        span = high - low
        # torch's public builds switch to 64-bit draws from a range of 2**28 (for any dtype)
        draws = self.random64(count) if span >= 1 << 28 else self.random32(count)
        offsets = draws % np.uint64(span)
        return (offsets.astype(np.int64) + np.int64(low)).reshape(shape)

    def randperm(self, n: int) -> np.ndarray:
        """torch.randperm(n) as int64: Fisher-Yates with random32() % (n - i)."""
        n = int(n)
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
        if n >= 0xFFFFFFFF // 20:
            raise NotImplementedError("randperm of more than 214748364 elements is not reproduced")
        draws = self.random32(max(n - 1, 0))
        # the swap partners are vectorised; the swaps themselves depend on each other, so they loop
        partners = (draws % np.arange(n, 1, -1, dtype=np.uint64) + np.arange(n - 1, dtype=np.uint64)).tolist()
        perm = list(range(n))
        for i, j in enumerate(partners):
            perm[i], perm[j] = perm[j], perm[i]
        return np.array(perm, dtype=np.int64)

    def bernoulli_(self, out: np.ndarray, p=0.5) -> np.ndarray:
        """Fill out with 0/1 like Tensor.bernoulli_(p) (scalar p) or torch.bernoulli(p) (array p).

        A scalar p compares float64 uniforms with p (torch's portable kernel; torch builds with MKL
        use a different generator on Intel CPUs). An array p compares uniforms of p's own precision."""
        if np.ndim(p) == 0 and not isinstance(p, np.ndarray):
            p = float(p)
            if not 0.0 <= p <= 1.0:
                raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_format_double(p)}")
            x = self._uniform01(out.size, np.dtype(np.float64))
            _fill_in_memory_order(out, (x < p).astype(out.dtype))
            return out
        probabilities = np.asarray(p)
        precision = np.dtype(np.float64) if probabilities.dtype == np.float64 else np.dtype(np.float32)
        probabilities = np.broadcast_to(probabilities.astype(precision, copy=False), out.shape)
        flat_p = _read_in_memory_order(_laid_out_like(probabilities, out))
        if ((flat_p < 0) | (flat_p > 1)).any():
            raise RuntimeError(
                "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                "improved?  If so, please report an enhancement request to PyTorch.)")
        x = self._uniform01(out.size, precision)
        _fill_in_memory_order(out, (x < flat_p).astype(out.dtype))
        return out


def _laid_out_like(values: np.ndarray, out: np.ndarray) -> np.ndarray:
    """values laid out with out's strides, so reading both in out's memory order pairs them up."""
    if out.flags.c_contiguous:
        return np.ascontiguousarray(values)
    arranged = np.empty_like(out, dtype=values.dtype)
    arranged[...] = values
    return arranged


def _startup_seed() -> int:
    # torch seeds its default CPU generator from the OS at startup, not with DEFAULT_SEED
    return int.from_bytes(os.urandom(8), "little")


default_generator = Generator(seed=_startup_seed())


def manual_seed(seed) -> Generator:
    """torch.manual_seed: accepts anything int() accepts (3.7 -> 3), reseeds the default generator."""
    return default_generator.manual_seed(_check_seed(int(seed)))


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()


def get_rng_state() -> np.ndarray:
    return default_generator.get_state()


def set_rng_state(state) -> None:
    default_generator.set_state(state)
