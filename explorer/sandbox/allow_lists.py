"""The allow-lists: every name a program may reach, module by module and type by type.

The engine (as `torch`): a name is offered only if it is listed here AND the engine has it, so the list can be
generous with torch's names while the engine grows; writing is allowed for three tensor attributes only.
numpy and math: the part a lesson needs, and nothing that reaches files, memory or the interpreter
(`np.array`, `np.linspace`, dtypes and element-wise maths, not `tofile`, `ctypes`, `load` or `lib`); results
must be numeric arrays, since object or string arrays could carry arbitrary Python objects. Python's own
values: the methods of str, list, dict, set, tuple, range, int and float a program may call, the exceptions it
may raise and catch, the run's own `random`, and the builtins that are refused by name.
"""

from __future__ import annotations

import math

import numpy as np


def words(text: str) -> frozenset[str]:
    """A set of names written as one whitespace-separated block: long allow-lists stay readable."""
    return frozenset(text.split())

TORCH_NAMES = words("""
tensor as_tensor from_numpy ones zeros full eye arange linspace logspace rand randn randint empty ones_like
zeros_like full_like rand_like randn_like empty_like randint_like manual_seed initial_seed float16 float32
float64 int8 uint8 int16 int32 int64 bool float double half long int short dtype Tensor Size no_grad
enable_grad set_grad_enabled is_grad_enabled inference_mode is_tensor is_floating_point numel
get_default_dtype set_default_dtype matmul mm mv bmm dot outer inner add sub subtract mul multiply div
divide true_divide neg negative pow abs exp exp2 log log2 log10 log1p expm1 sqrt rsqrt sin cos tan asin acos
atan atan2 sinh cosh tanh sigmoid relu clamp clip clamp_min clamp_max sum mean max min maximum minimum norm
prod cumsum cumprod std var argmax argmin sign square reciprocal floor ceil round trunc frac where cat
concat concatenate stack reshape flatten squeeze unsqueeze transpose t permute allclose equal isclose
softmax log_softmax tril triu diag trace sort argsort topk erf lerp addmm chunk split gather masked_fill eq
ne lt le gt ge logical_and logical_or logical_not any all amax amin logsumexp normal clone detach numel
broadcast_to expand_copy movedim swapaxes dist cross kron heaviside hypot fmod remainder isnan isinf
isfinite nan_to_num zeros_like autograd nn optim pi e inf nan greater less randperm rsub device
absolute arccos arcsin arctan expand cuda FloatTensor DoubleTensor LongTensor IntTensor BoolTensor
HalfTensor ByteTensor ShortTensor CharTensor sort bincount addcdiv addcmul arctan2 argwhere diag_embed diagonal
einsum flip fliplr flipud index_add index_select masked_scatter masked_select moveaxis nonzero roll scatter
scatter_add tile unbind utils Generator set_printoptions get_printoptions one_hot
""")

NN_NAMES = words("""
functional Parameter Linear ReLU Sigmoid Tanh Softmax LogSoftmax Sequential MSELoss BCELoss
BCEWithLogitsLoss CrossEntropyLoss L1Loss NLLLoss Identity Flatten init Module ModuleList ModuleDict Dropout
LeakyReLU
""")

NN_INIT_NAMES = words("""
normal_ uniform_ zeros_ ones_ constant_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_
calculate_gain
""")
# torch.utils.data: datasets (a program may subclass Dataset) and the loader
UTILS_NAMES = frozenset({"data"})
DATA_NAMES = words("""
Dataset TensorDataset DataLoader Subset ConcatDataset random_split default_collate
""")

FUNCTIONAL_NAMES = words("""
binary_cross_entropy_with_logits binary_cross_entropy mse_loss l1_loss smooth_l1_loss huber_loss
cross_entropy nll_loss kl_div softmax log_softmax relu relu6 sigmoid tanh leaky_relu elu gelu silu softplus
logsigmoid hardtanh linear normalize dropout one_hot cosine_similarity
""")

AUTOGRAD_NAMES = words("""
grad backward functional Function Variable function no_grad enable_grad set_grad_enabled is_grad_enabled
gradcheck gradgradcheck
""")
AUTOGRAD_FUNCTION_NAMES = frozenset(["Function"])
AUTOGRAD_FUNCTIONAL_NAMES = frozenset(["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"])
OPTIM_NAMES = frozenset(["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Optimizer"])
CUDA_NAMES = frozenset(["is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all"])

# module path (as the program writes it) -> (engine module path relative to the engine root, allowed names)
ENGINE_MODULES = {
    "torch": ("", TORCH_NAMES),
    "torch.nn": ("nn", NN_NAMES),
    "torch.nn.functional": ("nn.functional", FUNCTIONAL_NAMES),
    "torch.nn.init": ("nn.init", NN_INIT_NAMES),
    "torch.autograd": ("autograd", AUTOGRAD_NAMES),
    "torch.autograd.functional": ("autograd.functional", AUTOGRAD_FUNCTIONAL_NAMES),
    "torch.autograd.function": ("autograd.function", AUTOGRAD_FUNCTION_NAMES),
    "torch.optim": ("optim", OPTIM_NAMES),
    "torch.cuda": ("cuda", CUDA_NAMES),
    "torch.utils": ("utils", UTILS_NAMES),
    "torch.utils.data": ("utils.data", DATA_NAMES),
}

# classes a program may look at (isinstance, type(x) == ...) but not call (Optimizer: subclass it)
NOT_CONSTRUCTIBLE = frozenset({"dtype", "Optimizer"})

TENSOR_PROPERTIES = words("""
shape dtype grad requires_grad is_leaf grad_fn data T mT H mH ndim device _version retains_grad output_nr
is_cuda itemsize nbytes layout
""")

TENSOR_METHODS = words("""
abs abs_ absolute acos add add_ addmm all allclose amax amin any argmax argmin argsort asin atan backward
bmm bool ceil chunk clamp clamp_ clamp_max clamp_min clip clone contiguous copy_ cos cosh cpu cumprod cumsum
detach detach_ diag dim div div_ divide dot double element_size eq equal exp exp_ exp2 expand expand_as expm1
fill_ flatten flip float floor fmod frac gather ge gt half index_select int is_contiguous is_floating_point
isclose isnan isinf item le lerp log log10 log1p log2 log_softmax logsumexp long lt masked_fill masked_fill_
matmul max maximum mean min minimum mm mul mul_ multiply mv nan_to_num ne neg neg_ negative nelement
new_empty new_full new_ones new_tensor new_zeros nonzero norm normal_ numel numpy permute pow pow_ prod
reciprocal register_hook relu relu_ remainder repeat repeat_interleave requires_grad_ reshape reshape_as
retain_grad round rsqrt sigmoid sigmoid_ sign sin sinh size softmax sort split sqrt sqrt_ square squeeze std
sub sub_ subtract sum t t_ tan tanh tanh_ tile to tolist topk trace transpose tril triu true_divide trunc
type_as unbind uniform_ unsqueeze unsqueeze_ var view view_as where zero_ arccos arcsin arctan greater less
logical_not ndimension outer swapaxes type cuda data_ptr split trace bincount
absolute_ acos_ addcdiv addcdiv_ addcmul addcmul_ arccos_ arcsin_ arctan2 arctan2_ arctan_ argwhere asin_ atan2
atan2_ atan_ ceil_ clamp_max_ clamp_min_ clip_ cos_ cosh_ cumprod_ cumsum_ diag_embed diagonal divide_ erf erf_
exp2_ expm1_ fliplr flipud floor_ frac_ index_add index_add_ lerp_ log10_ log1p_ log2_ log_ masked_scatter
masked_scatter_ masked_select moveaxis movedim multiply_ negative_ reciprocal_ remainder_ roll round_ rsqrt_
scatter scatter_ scatter_add scatter_add_ sign_ sin_ sinh_ square_ subtract_ tan_ tril_ triu_ true_divide_ trunc_
""")

TENSOR_SETTABLE = frozenset({"requires_grad", "grad", "data"})
# methods that make backward passes run the program's code or fill .grad beyond the leaves
BACKWARD_HOOKS = frozenset({"register_hook", "register_prehook", "retain_grad"})

NODE_NAMES = words("""
name next_functions metadata register_hook register_prehook variable
""")
# a custom Function's node is also its ctx, as in PyTorch
FUNCTION_NODE_NAMES = frozenset({"saved_tensors", "needs_input_grad"})
# what a custom Function's forward and backward use of their ctx (plus what forward stored on it)
CTX_NAMES = words("""
save_for_backward saved_tensors needs_input_grad mark_non_differentiable mark_dirty set_materialize_grads
materialize_grads
""")
# on a class of the program's derived from autograd.Function
FUNCTION_CLASS_NAMES = frozenset({"apply"})
DEVICE_NAMES = frozenset({"type", "index"})
GENERATOR_NAMES = frozenset({"manual_seed", "initial_seed", "seed", "device"})
# the datasets and loaders of torch.utils.data (what they hold; len(), [i] and iteration are Python's)
DATA_OBJECT_NAMES = frozenset({"tensors", "dataset", "datasets", "indices", "batch_size", "drop_last", "shuffle"})
# torch.set_printoptions: the sizes a lesson uses, not the ones that make one number a megabyte of text
PRINT_OPTION_LIMITS = {"precision": 50, "edgeitems": 100, "linewidth": 1000}
INCOMPATIBLE_KEYS_NAMES = frozenset({"missing_keys", "unexpected_keys"})
DTYPE_NAMES = frozenset(["is_floating_point", "is_complex", "is_signed", "itemsize"])
SIZE_NAMES = frozenset(["numel", "count", "index"])
# torch.max(x, dim) and friends return a named pair (torch.return_types.max)
RETURN_TYPE_NAMES = frozenset(["values", "indices", "count", "index"])
OPTIMIZER_NAMES = frozenset(["step", "zero_grad", "param_groups", "add_param_group", "defaults", "state",
                             "state_dict"])
MODULE_NAMES = words("""
parameters named_parameters zero_grad forward weight bias train eval requires_grad_ in_features out_features
children modules named_children named_modules buffers named_buffers state_dict load_state_dict training
add_module register_module register_buffer register_parameter apply to cpu double float extra_repr
""")
HANDLE_NAMES = frozenset({"remove"})
# grad-mode managers: used in `with`; nothing to read on them
CONTEXT_MANAGER_CLASSES = frozenset({"no_grad", "enable_grad", "set_grad_enabled", "inference_mode"})


# The descent demo's loss (explorer/sandbox/loss_check.py): names, element-wise functions and methods only,
# since the demo evaluates it on a whole grid at once. Reductions mix the grid's points; on a single point they
# are no-ops, so refusing them loses nothing. Each list is a part of the program's lists above.
LOSS_NAMES = ("a", "b")
LOSS_OPERATORS = frozenset({"Add", "Sub", "Mult", "Div", "Pow"})
LOSS_FUNCTIONS = words("""
abs exp log sqrt sin cos tan tanh sigmoid relu maximum minimum clamp pow square log1p expm1 atan sinh cosh rsqrt
exp2 sign reciprocal neg
""")
LOSS_METHODS = LOSS_FUNCTIONS | {"detach", "clamp_min", "clamp_max"}
LOSS_REDUCTIONS = words("""
sum mean max min prod norm std var amax amin logsumexp
""")
LOSS_KEYWORDS = frozenset({"min", "max", "exponent"})


# --- numpy and math ----------------------------------------------------------------------------------------

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
isnan isinf isfinite hypot degrees radians copysign trunc erf gamma fmod modf frexp isqrt gcd lgamma erfc
""")
MATH_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau, "inf": math.inf, "nan": math.nan}


# --- Python values ----------------------------------------------------------------------------------------

STR_METHODS = words("""
upper lower strip lstrip rstrip split rsplit join replace startswith endswith find rfind count index isdigit
isalpha isalnum isspace isupper islower title capitalize swapcase ljust rjust center zfill splitlines
partition rpartition removeprefix removesuffix casefold isnumeric isdecimal
""")
LIST_METHODS = words("""
append extend insert pop remove index count reverse sort copy clear
""")
DICT_METHODS = frozenset(["keys", "values", "items", "get", "pop", "update", "copy", "setdefault", "clear"])
TUPLE_METHODS = frozenset({"index", "count"})
RANGE_ATTRIBUTES = frozenset({"start", "stop", "step", "index", "count"})
FLOAT_METHODS = frozenset({"is_integer", "as_integer_ratio", "conjugate"})
INT_PROPERTIES = frozenset({"real", "imag", "numerator", "denominator"})
INT_METHODS = frozenset({"bit_length", "conjugate"})
SET_METHODS = words("""
add discard remove pop clear copy union intersection difference symmetric_difference update
intersection_update difference_update symmetric_difference_update issubset issuperset isdisjoint
""")
FROZENSET_METHODS = words("""
copy union intersection difference symmetric_difference issubset issuperset isdisjoint
""")
# a caught exception: its arguments (str(e) and repr(e) are the builtins'); StopIteration's value
EXCEPTION_ATTRIBUTES = frozenset({"args", "value"})
# Python's exceptions a program may raise, catch and subclass (never SystemExit, KeyboardInterrupt, ...)
EXCEPTION_CLASSES = (
    BaseException, Exception, ArithmeticError, AssertionError, AttributeError, FloatingPointError, ImportError,
    IndexError, KeyError, LookupError, ModuleNotFoundError, NameError, NotImplementedError, OverflowError,
    RecursionError, RuntimeError, StopIteration, TypeError, UnboundLocalError, ValueError, ZeroDivisionError,
    Warning, UserWarning, DeprecationWarning, RuntimeWarning, FutureWarning,
)

# `import random`: the run's own generator (seeded at the start of every run), its methods that only draw numbers
RANDOM_FUNCTIONS = words("""
seed random uniform randint randrange choice choices shuffle sample gauss normalvariate getrandbits triangular
expovariate betavariate lognormvariate
""")

# Python builtins that exist but are not offered: a clearer message than "not defined"
REFUSED_BUILTINS = words("""
eval exec compile open input globals locals vars dir delattr breakpoint help memoryview bytearray bytes format
exit quit copyright credits license bin hex oct complex slice ascii aiter anext __import__ __build_class__
""")
