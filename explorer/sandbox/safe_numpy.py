"""The part of numpy a lesson needs, and nothing that reaches files, memory or the interpreter.

`np.array`, `np.linspace`, `np.arange`, `np.zeros`, `np.ones`, dtypes and element-wise maths are offered;
`tofile`, `dump`, `ctypes`, `load`, `frombuffer`, `lib` and every other name are not. Results must be
numeric (bool, int, float) arrays: object or string arrays could carry arbitrary Python objects.
"""

from __future__ import annotations

import math

import numpy as np

from explorer.sandbox.engine_surface import words

NUMPY_FUNCTIONS = words("""
array asarray linspace arange zeros ones zeros_like ones_like full full_like eye identity empty empty_like
exp log log2 log10 log1p expm1 sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh sqrt abs absolute
square sign floor ceil round around clip sum mean max min amax amin maximum minimum dot matmul outer
meshgrid allclose isclose array_equal where concatenate stack hstack vstack argmax argmin cumsum prod std
var transpose reshape power exp2 isnan isinf isfinite diag trace linspace ravel squeeze expand_dims
""")
NUMPY_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf, "nan": np.nan, "newaxis": None}
NUMPY_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool_")
NUMPY_RANDOM_FUNCTIONS = words("""
seed rand randn random uniform normal randint choice permutation
""")
# inv/det/solve are left out: their O(n^3) work on a 2000x2000 matrix would take seconds
NUMPY_LINALG_FUNCTIONS = frozenset({"norm"})

ARRAY_PROPERTIES = frozenset(["shape", "dtype", "ndim", "size", "T", "itemsize", "nbytes", "real", "imag"])
ARRAY_METHODS = words("""
reshape sum mean max min astype tolist item copy flatten transpose std var argmax argmin round clip cumsum
prod dot all any squeeze ravel fill swapaxes
""")
SCALAR_PROPERTIES = frozenset(["dtype", "shape", "ndim", "real", "imag"])
SCALAR_METHODS = frozenset(["item", "tolist", "astype", "round", "is_integer"])
NP_DTYPE_PROPERTIES = frozenset(["name", "itemsize", "kind", "char"])

SAFE_KINDS = "biuf"
SAFE_DTYPE_NAMES = frozenset({
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool", "float", "int",
    "double", "half", "bool_", "f4", "f8", "i4", "i8",
})


def is_safe_dtype(value) -> bool:
    """Is `value` (a `dtype=` argument) one of the plain numeric dtypes?"""
    if value is None or value in (float, int, bool):
        return True
    if isinstance(value, str):
        return value in SAFE_DTYPE_NAMES
    try:
        return isinstance(value, (type, np.dtype)) and np.dtype(value).kind in SAFE_KINDS
    except TypeError:
        return False


def is_safe_array(value) -> bool:
    return not isinstance(value, (np.ndarray, np.generic)) or value.dtype.kind in SAFE_KINDS


MATH_FUNCTIONS = words("""
exp log log2 log10 log1p expm1 sqrt sin cos tan asin acos atan atan2 sinh cosh tanh floor ceil fabs isclose
isnan isinf isfinite hypot degrees radians copysign trunc erf gamma
""")
MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf, "nan": math.nan}
