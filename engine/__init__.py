"""A numpy autograd engine that behaves like PyTorch 2.13: `import engine as torch` runs tutorial code.

Beyond torch's API it exposes what a viewer needs: `engine.graph` (forward and backward graphs as networkx
DiGraphs, `capture()` to keep intermediates alive), `engine.backward_trace` (a record of each backward pass)
and `engine.ops.REGISTRY` (every op's grad_fn name, forward, VJPs and formulas).
"""

from __future__ import annotations

import functools as _functools

from . import autograd, backward_trace, cuda, graph, nn, ops, optim, printing, utils
from . import tensor_methods as _tensor_methods  # noqa: F401  (gives Tensor its operators and methods)
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    initial_seed,
    linspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import bool_ as bool
from .dtypes import (
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .functions import (
    _return_type,
    abs,
    absolute,
    acos,
    add,
    addmm,
    allclose,
    amax,
    amin,
    arccos,
    arcsin,
    arctan,
    argmax,
    argmin,
    argsort,
    asin,
    atan,
    bincount,
    broadcast_to,
    cat,
    ceil,
    chunk,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    cos,
    cosh,
    div,
    divide,
    dot,
    eq,
    equal,
    exp,
    exp2,
    expand,
    expm1,
    flatten,
    floor,
    frac,
    ge,
    greater,
    gt,
    is_tensor,
    isclose,
    isnan,
    le,
    less,
    log,
    log1p,
    log2,
    log10,
    logical_not,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    multiply,
    mv,
    ne,
    neg,
    negative,
    norm,
    numel,
    outer,
    permute,
    pow,
    prod,
    reciprocal,
    relu,
    remainder,
    reshape,
    round,
    rsqrt,
    rsub,
    sigmoid,
    sign,
    sin,
    sinh,
    sort,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    subtract,
    sum,
    swapaxes,
    t,
    tan,
    tanh,
    trace,
    transpose,
    true_divide,
    trunc,
    unbind,
    unsqueeze,
    var,
    where,
)
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .random import Generator
from .tensor import Size, Tensor, device

half = float16
float = float32
double = float64
short = int16
int = int32
long = int64
__version__ = "2.13.0+cpu"  # PyTorch's own version string, which lessons print: the engine is its CPU build's stand-in


def is_floating_point(t: Tensor) -> bool:
    return t.is_floating_point()


def softmax(input, dim, dtype=None):
    return nn.functional.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    return nn.functional.log_softmax(input, dim, dtype=dtype)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    printing.set_printoptions(precision=precision, threshold=threshold, edgeitems=edgeitems,
                              linewidth=linewidth, profile=profile, sci_mode=sci_mode)


def get_printoptions():
    return printing.get_printoptions()


class return_types:
    max = _return_type("max")
    sort = _return_type("sort")
    min = _return_type("min")


# the public API, as torch spells it (the imports above are re-exports)
def _checks_input(fn, name):
    """torch.<name>(x) names a non-tensor argument as PyTorch does; Tensor methods skip the check (self is one)."""

    @_functools.wraps(fn)
    def checked(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return fn(input, *args, **kwargs)

    return checked


for _name in ("abs", "absolute", "amax", "amin", "argmax", "argmin", "clamp", "clip", "clone", "dot", "flatten",
              "matmul", "max", "mean", "min", "mm", "mv", "neg", "negative", "norm", "permute", "relu", "reshape",
              "remainder", "sign", "squeeze", "sum", "t", "transpose", "unsqueeze",
              "floor", "ceil", "trunc", "round", "frac"):
    globals()[_name] = _checks_input(globals()[_name], _name)
del _name


__all__ = [
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "Generator",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "ShortTensor",
    "Size",
    "Tensor",
    "abs",
    "absolute",
    "acos",
    "add",
    "addmm",
    "allclose",
    "amax",
    "amin",
    "arange",
    "arccos",
    "arcsin",
    "arctan",
    "argmax",
    "argmin",
    "argsort",
    "as_tensor",
    "asin",
    "atan",
    "autograd",
    "backward_trace",
    "bincount",
    "bool",
    "broadcast_to",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clip",
    "clone",
    "concat",
    "concatenate",
    "cos",
    "cosh",
    "cuda",
    "device",
    "div",
    "divide",
    "dot",
    "double",
    "dtype",
    "empty",
    "empty_like",
    "enable_grad",
    "eq",
    "equal",
    "exp",
    "exp2",
    "expand",
    "expm1",
    "eye",
    "flatten",
    "float",
    "float16",
    "float32",
    "float64",
    "floor",
    "frac",
    "from_numpy",
    "full",
    "full_like",
    "ge",
    "get_default_dtype",
    "get_printoptions",
    "graph",
    "greater",
    "gt",
    "half",
    "inference_mode",
    "initial_seed",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "is_floating_point",
    "is_grad_enabled",
    "is_tensor",
    "isclose",
    "isnan",
    "le",
    "less",
    "linspace",
    "log",
    "log1p",
    "log2",
    "log10",
    "log_softmax",
    "logical_not",
    "long",
    "lt",
    "manual_seed",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mul",
    "multiply",
    "mv",
    "ne",
    "neg",
    "negative",
    "nn",
    "no_grad",
    "norm",
    "normal",
    "numel",
    "ones",
    "ones_like",
    "ops",
    "optim",
    "outer",
    "permute",
    "pow",
    "prod",
    "rand",
    "rand_like",
    "randint",
    "randn",
    "randn_like",
    "randperm",
    "reciprocal",
    "relu",
    "remainder",
    "reshape",
    "return_types",
    "round",
    "rsqrt",
    "rsub",
    "seed",
    "set_default_dtype",
    "set_grad_enabled",
    "set_printoptions",
    "short",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softmax",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "subtract",
    "sum",
    "swapaxes",
    "t",
    "tan",
    "tanh",
    "tensor",
    "trace",
    "transpose",
    "true_divide",
    "trunc",
    "uint8",
    "unbind",
    "unsqueeze",
    "utils",
    "var",
    "where",
    "zeros",
    "zeros_like",
]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch' has no attribute '{name}'")
