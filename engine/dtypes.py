"""PyTorch's dtypes over numpy's, and PyTorch's type-promotion rules (which differ from numpy's)."""

from __future__ import annotations

import numpy as np


class dtype:
    __slots__ = ("is_complex", "is_floating_point", "is_signed", "itemsize", "legacy_name", "name", "np")

    def __init__(self, name: str, np_dtype, legacy_name: str):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = False
        self.is_signed = self.np.kind in "fi"
        self.legacy_name = legacy_name  # "FloatTensor", used in PyTorch's version-counter message

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return (by_name, (self.name,))


dtype.__module__ = "torch"  # (type(torch.float32) prints <class 'torch.dtype'>)
float16 = dtype("float16", np.float16, "HalfTensor")
float32 = dtype("float32", np.float32, "FloatTensor")
float64 = dtype("float64", np.float64, "DoubleTensor")
int8 = dtype("int8", np.int8, "CharTensor")
uint8 = dtype("uint8", np.uint8, "ByteTensor")
int16 = dtype("int16", np.int16, "ShortTensor")
int32 = dtype("int32", np.int32, "IntTensor")
int64 = dtype("int64", np.int64, "LongTensor")
bool_ = dtype("bool", np.bool_, "BoolTensor")

ALL = (float16, float32, float64, int8, uint8, int16, int32, int64, bool_)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
ALIASES = {"half": float16, "float": float32, "double": float64, "short": int16, "int": int32, "long": int64}


def by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The engine dtype of a numpy dtype; TypeError (PyTorch's words) for kinds torch has no dtype for."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and "
            "bool."
        ) from None


_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    global _default_float
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


# PyTorch promotes by category (bool < integer < floating) and priority (tensors with dimensions, then
# zero-dimensional tensors, then Python scalars): a lower-priority operand changes the result's dtype only
# when it brings a higher category. numpy 2 promotes 0-d arrays like any array, so we compute it ourselves.
def _category(np_dtype) -> int:
    kind = np_dtype.kind
    return 2 if kind == "f" else (0 if kind == "b" else 1)


def _scalar_category(value) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    return 2


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: a floating dtype absorbs any integer (int64 with float32 is float32, where numpy
    says float64); within one category the wider type wins."""
    ca, cb = _category(a), _category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def torch_result_dtype(operands, numpy_result: np.dtype) -> np.dtype:
    """The dtype PyTorch gives an element-wise op over `operands`, given the one numpy computed. Where every
    array operand already has numpy's result dtype the two agree (Python numbers never raise the category
    of same-dtype arrays in numpy 2 either), which spares the full rule on nearly every call."""
    for x in operands:
        if (type(x) is np.ndarray or isinstance(x, np.generic)) and x.dtype != numpy_result:
            return result_np_dtype(operands)
    return numpy_result


def result_np_dtype(operands) -> np.dtype:
    """The numpy dtype PyTorch gives an elementwise op over `operands` (numpy arrays or Python scalars)."""
    dim_dt = zero_dt = None
    scalar_cat = -1
    for x in operands:
        if isinstance(x, (np.ndarray, np.generic)):  # numpy scalars stand for 0-d tensors
            if x.ndim:
                dim_dt = x.dtype if dim_dt is None else promote_types(dim_dt, x.dtype)
            else:
                zero_dt = x.dtype if zero_dt is None else promote_types(zero_dt, x.dtype)
        else:
            scalar_cat = max(scalar_cat, _scalar_category(x))
    result = dim_dt
    if zero_dt is not None and (result is None or _category(zero_dt) > _category(result)):
        result = zero_dt
    if scalar_cat >= 0 and (result is None or scalar_cat > _category(result)):
        result = (np.dtype(np.bool_), np.dtype(np.int64), _default_float.np)[scalar_cat]
    return result


# A Python int becomes a PyTorch Scalar as an int64, or as a uint64 from 2**63 up to 2**64 - 1; anything else
# fails with PyTorch's own OverflowError.
INT64_MIN = -(1 << 63)
UINT64_END = 1 << 64


def scalar_int(value: int, np_dtype=None) -> int:
    """`value` as an op on an array of `np_dtype` sees it: PyTorch's errors beyond int64 / uint64, and a uint64
    Scalar in int64 arithmetic wraps around (torch.ones(2, dtype=torch.int64) * 2**63 is -2**63)."""
    if value >= UINT64_END:
        raise OverflowError("int too big to convert")
    if value < INT64_MIN:
        raise OverflowError("can't convert negative int to unsigned")
    if value >= -INT64_MIN and np_dtype is not None and np_dtype.kind in "iu":
        return value - UINT64_END
    return value


_C_INT_NAMES = {"int64": "int64_t", "int32": "int32_t", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t"}


def fill_int(value: int, np_dtype) -> int:
    """`value` stored into an array of `np_dtype` (torch.full, fill_): PyTorch's Scalar errors, and its error
    for an integer dtype that cannot hold it (no wrapping here, unlike arithmetic)."""
    scalar_int(value)
    if np_dtype.kind in "iu" and not np.iinfo(np_dtype).min <= value <= np.iinfo(np_dtype).max:
        raise RuntimeError(
            f"value cannot be converted to type {_C_INT_NAMES.get(np_dtype.name, np_dtype.name)} without overflow")
    return value


# PyTorch's names of scalar types in its messages: C++ names ("long int") and short names ("Long")
_C_TYPE_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "bool": "bool",
                 "float16": "c10::Half", "int16": "short int", "int8": "signed char", "uint8": "unsigned char"}
_SHORT_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
                "float16": "Half", "int16": "Short", "int8": "Char", "uint8": "Byte"}


def c_type_name(np_dtype) -> str:
    """'float' for float32, 'long int' for int64, as PyTorch's C++ messages name them."""
    return _C_TYPE_NAMES.get(np.dtype(np_dtype).name, np.dtype(np_dtype).name)


def short_name(np_dtype) -> str:
    """'Float' for float32, 'Long' for int64, as PyTorch's messages name scalar types."""
    return _SHORT_NAMES.get(np.dtype(np_dtype).name, np.dtype(np_dtype).name)


def argument_type_name(value) -> str:
    """The type of an argument as PyTorch's argument errors name it (its C type name): numpy's types with their
    module ('numpy.ndarray', 'numpy.bool'), any other by its name ('int', 'str', 'Tensor')."""
    kind = type(value)
    return f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__
