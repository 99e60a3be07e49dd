"""Predict how big the result of an engine or numpy call will be, from its arguments, before it runs.

The interpreter asks this at every call into the engine or numpy, so that `torch.ones(10**6, 10**6)`,
a broadcast of two long vectors into a huge matrix, or an oversized matrix product is refused before numpy
tries to allocate. The rules are upper bounds by function name; anything not named is an element-wise op or
a reduction, whose result is never bigger than its broadcast arguments.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

SIZE_ARGS = {"ones", "zeros", "empty", "rand", "randn", "new_ones", "new_zeros", "new_empty"}
SIZE_FIRST = {"full", "new_full"}
FROM_DATA = {"tensor", "as_tensor", "array", "asarray", "from_numpy", "new_tensor", "asanyarray"}
LIKE = {"ones_like", "zeros_like", "empty_like", "rand_like", "randn_like", "full_like", "randint_like"}
MATMUL = {"matmul", "mm", "bmm", "mv", "dot", "inner", "__matmul__", "__rmatmul__", "vdot"}
JOIN = {"cat", "stack", "concatenate", "concat", "hstack", "vstack", "column_stack", "row_stack"}
# torch.Tensor(2, 3) is a 2x3 tensor, torch.Tensor([2, 3]) holds 2 and 3 (the legacy constructors)
LEGACY = {"Tensor", "FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "HalfTensor",
          "ByteTensor", "ShortTensor", "CharTensor"}


@dataclass
class Estimate:
    elements: int = 0  # elements of the largest result
    macs: int = 0  # multiply-adds of a matrix product, or the like of a decomposition
    decomposition: bool = False  # `macs` are a decomposition's (an SVD behind a norm), not a product's


# an SVD costs about this many matrix products of the same size (measured: 3.4-4.3x for n = 300-1000)
SVD_PRODUCTS = 4


def _as_int(value):
    if isinstance(value, bool):
        return int(value)
    try:
        return operator.index(value)
    except TypeError:
        return None


def dims_from(args: tuple) -> list[int] | None:
    """The dimensions in `ones(2, 3)` / `ones((2, 3))` / `ones(torch.Size([2, 3]))`, or None if unclear."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    if len(args) == 1 and _as_int(args[0]) is None:
        return None
    dims = []
    for arg in args:
        n = _as_int(arg)
        if n is None or n < 0:
            return None
        dims.append(n)
    return dims


def product(dims) -> int:
    total = 1
    for d in dims:
        total *= d
    return total


def broadcast_shape(shapes: list[tuple]) -> tuple | None:
    """numpy's broadcast of `shapes`, or None when they do not broadcast (the op will raise its own error)."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for shape in shapes:
        for i, d in enumerate(shape, start=ndim - len(shape)):
            if d == out[i] or d == 1:
                continue
            if out[i] == 1:
                out[i] = d
            else:
                return None
    return tuple(out)


class Sizer:
    """Knows how to read shapes from values; `is_array(v)` says which values have a `.shape`."""

    def __init__(self, is_array: Callable[[object], bool], limit: int):
        self.is_array = is_array
        self.limit = limit

    def shape(self, value) -> tuple | None:
        if self.is_array(value):
            return tuple(int(d) for d in value.shape)
        return None

    def nested_count(self, data) -> int:
        """How many numbers `tensor(data)` would hold (an upper bound); stops early past the limit.

        Counts are remembered per list object, so `[row] * 10**5` costs one look at `row`, not 10**5.
        """
        memo: dict[int, int] = {}

        def count(item, depth: int) -> int:
            if self.is_array(item):
                return product(self.shape(item))
            if isinstance(item, range):
                return len(item)
            if not isinstance(item, (list, tuple)):
                return 1
            if depth > 64:  # numpy stops at 64 dimensions; deeper data fails there on its own
                return 1
            key = id(item)
            if key not in memo:
                total = 0
                for sub in item:
                    total += count(sub, depth + 1)
                    if total > self.limit:
                        break
                memo[key] = total
            return memo[key]

        return count(data, 0)

    def arrays_in(self, values) -> list[tuple]:
        shapes = []
        for value in values:
            shape = self.shape(value)
            if shape is not None:
                shapes.append(shape)
            elif isinstance(value, (list, tuple)) and len(value) <= 64:
                for item in value:
                    inner = self.shape(item)
                    if inner is not None:
                        shapes.append(inner)
        return shapes

    def estimate(self, name: str, args: tuple, kwargs: dict, owner=None) -> Estimate:
        """An upper bound of the elements (and matmul work) of calling `name` with these arguments."""
        args = tuple(args)
        if owner is not None and name in {"new_ones", "new_zeros", "new_empty", "new_full", "new_tensor"}:
            owner = None  # the owner only lends its dtype
        if name in {"none", "module_call"}:
            return Estimate(0)
        if name.startswith("np_size"):
            index = int(name[-1])
            size = kwargs.get("size", args[index] if len(args) > index else None)
            dims = dims_from((size,)) if size is not None else [1]
            return Estimate(product(dims) if dims is not None else 0)
        if name == "np_choice":
            # without replacement numpy permutes the whole population first
            size = kwargs.get("size", args[1] if len(args) > 1 else None)
            dims = dims_from((size,)) if size is not None else [1]
            drawn = product(dims) if dims is not None else 0
            replace = kwargs.get("replace", args[2] if len(args) > 2 else True)
            if replace is False and args:
                population = _as_int(args[0])
                if population is None:
                    shape = self.shape(args[0])
                    sized = hasattr(args[0], "__len__")
                    population = product(shape) if shape is not None else len(args[0]) if sized else 0
                return Estimate(max(drawn, population or 0))
            return Estimate(drawn)
        if name == "np_norm":
            # a matrix's 2-norm and nuclear norm are its singular values: an SVD, O(m n min(m, n))
            shape = self.shape(args[0]) if args else None
            order = kwargs.get("ord", args[1] if len(args) > 1 else None)
            if shape is not None and len(shape) == 2 and (order in (2, -2) or order == "nuc"):
                m, n = shape
                return Estimate(1, SVD_PRODUCTS * m * n * min(m, n), decomposition=True)
            return Estimate(0)
        if name == "np_perm":
            n = _as_int(args[0]) if args else None
            return Estimate(n if n is not None else product(self.shape(args[0]) or ()) if args else 0)
        if name == "jacobian":
            # the Jacobian of f at x is (numel f(x)) x (numel x); f(x) is rarely bigger than x
            inputs = args[1] if len(args) > 1 else kwargs.get("inputs", ())
            seq = inputs if isinstance(inputs, (list, tuple)) else (inputs,)
            n = sum(product(s) for s in (self.shape(v) for v in seq) if s is not None)
            return Estimate(n * n)
        if name == "randperm":
            n = _as_int(args[0]) if args else _as_int(kwargs.get("n", 0))
            return Estimate(max(n or 0, 0))
        if name == "tolist":
            return Estimate(product(self.shape(owner) or ()))
        if name in SIZE_ARGS:
            dims = dims_from(args) if args else dims_from((kwargs.get("size", ()),))
            return Estimate(product(dims) if dims is not None else 0)
        if name in SIZE_FIRST:
            size = args[0] if args else kwargs.get("size", kwargs.get("shape", ()))
            dims = dims_from((size,))
            return Estimate(product(dims) if dims is not None else 0)
        if name == "randint":
            size = kwargs.get("size")
            if size is None:
                size = next((a for a in args if isinstance(a, (tuple, list))), ())
            dims = dims_from((size,))
            return Estimate(product(dims) if dims is not None else 0)
        if name in {"eye", "identity"}:
            n = _as_int(args[0]) if args else _as_int(kwargs.get("n", kwargs.get("N", 0)))
            m = _as_int(args[1]) if len(args) > 1 and args[1] is not None else _as_int(kwargs.get("m", n))
            return Estimate(max(n or 0, 0) * max(m if m is not None else (n or 0), 0))
        if name == "arange":
            return Estimate(self._arange_count(args, kwargs))
        if name in {"linspace", "logspace"}:
            steps = args[2] if len(args) > 2 else kwargs.get("steps", kwargs.get("num", 50))
            n = _as_int(steps)
            return Estimate(max(n or 0, 0))
        if name in FROM_DATA:
            data = args[0] if args else kwargs.get("data", kwargs.get("object", ()))
            return Estimate(self.nested_count(data))
        if name in LEGACY:
            if args and all(_as_int(a) is not None for a in args):
                dims = dims_from(args)
                return Estimate(product(dims) if dims is not None else 0)
            if len(args) == 1 and isinstance(args[0], (tuple, list)) and type(args[0]).__name__ == "Size":
                return Estimate(product(args[0]))
            return Estimate(self.nested_count(args[0]) if args else 0)
        if name in {"Linear", "LazyLinear"}:
            given = list(args[:2]) + [kwargs.get(k) for k in ("in_features", "out_features")[len(args[:2]):]]
            features = [_as_int(a) if a is not None else None for a in given]
            if len(features) == 2 and None not in features:
                return Estimate(max(features[0], 0) * max(features[1], 0))
            return Estimate(0)
        if name in LIKE:
            shape = self.shape(args[0]) if args else None
            return Estimate(product(shape) if shape is not None else 0)
        if name in MATMUL:
            operands = ([owner] if owner is not None else []) + list(args)
            if len(operands) >= 2:
                return self._matmul(self.shape(operands[0]), self.shape(operands[1]))
            return Estimate(0)
        if name in {"outer", "ger", "kron"}:
            operands = ([owner] if owner is not None else []) + list(args)
            shapes = [s for s in (self.shape(v) for v in operands[:2]) if s is not None]
            return Estimate(product(product(s) for s in shapes))
        if name in JOIN:
            seq = args[0] if args else kwargs.get("tensors", kwargs.get("arrays", ()))
            if isinstance(seq, (list, tuple)):
                return Estimate(sum(product(s) for s in (self.shape(v) for v in seq) if s is not None))
            return Estimate(0)
        if name in {"meshgrid"}:
            shapes = self.arrays_in(args)
            n = product(product(s) for s in shapes)
            return Estimate(n * max(len(shapes), 1))
        if name in {"repeat", "tile"}:
            base = self.shape(owner) if owner is not None else (self.shape(args[0]) if args else None)
            reps = dims_from(args if owner is not None else args[1:2])
            if base is None or reps is None:
                return Estimate(0)
            return Estimate(product(base) * product(reps))
        if name in {"expand", "broadcast_to"}:
            dims = dims_from(args if owner is not None else args[1:2])
            if dims is None:
                return Estimate(0)
            base = self.shape(owner) if owner is not None else (self.shape(args[0]) if args else ())
            # -1 keeps a dimension: its size comes from the tensor itself
            return Estimate(product(d for d in dims if d >= 0) * max(1, product(base or ())))
        if name in {"diag", "diag_embed", "diagflat"}:
            target = owner if owner is not None else (args[0] if args else None)
            shape = self.shape(target)
            if shape is not None and len(shape) <= 1:
                n = product(shape)
                return Estimate(n * n)
            return Estimate(product(shape) if shape is not None else 0)
        if name == "repeat_interleave":
            target = owner if owner is not None else (args[0] if args else None)
            rest = args if owner is not None else args[1:]
            shape = self.shape(target)
            reps = rest[0] if rest else kwargs.get("repeats", 1)
            times = _as_int(reps)
            if times is None:
                times = product(self.shape(reps) or ())
            return Estimate(product(shape or ()) * max(times, 1))
        if name == "__getitem__":
            return self._getitem(owner, args[0] if args else None)
        if name in {"argwhere", "nonzero"}:
            target = owner if owner is not None else (args[0] if args else None)
            shape = self.shape(target)
            return Estimate(product(shape) * max(len(shape), 1) if shape is not None else 0)
        if name == "einsum":
            return self._einsum(args)
        shapes = self.arrays_in(([owner] if owner is not None else []) + list(args) + list(kwargs.values()))
        if not shapes:
            return Estimate(0)
        out = broadcast_shape(shapes)
        if out is None:
            return Estimate(max(product(s) for s in shapes))
        return Estimate(product(out))

    def _einsum(self, args) -> Estimate:
        """An einsum's result is the product of its output labels' sizes, its work that of all its labels' (an
        outer product "i,j->ij" of two long vectors is a huge matrix). Unclear equations cost nothing here:
        the engine refuses them with its own message."""
        if not args or not isinstance(args[0], str):
            return Estimate(0)
        equation = args[0].replace(" ", "")
        operands = list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
        inputs, arrow, output = equation.partition("->")
        terms = inputs.split(",")
        shapes = [self.shape(v) for v in operands]
        if len(terms) != len(shapes) or any(s is None for s in shapes):
            return Estimate(0)
        sizes: dict[str, int] = {}
        ellipsis = 1
        for term, shape in zip(terms, shapes):
            labels = term.replace("...", "")
            if "..." in term:
                extra = len(shape) - len(labels)
                ellipsis = max(ellipsis, product(shape[term.index("..."):term.index("...") + max(extra, 0)]))
                shape = shape[:term.index("...")] + shape[term.index("...") + max(extra, 0):]
            for label, size in zip(labels, shape):
                sizes[label] = max(sizes.get(label, 1), size)
        if not arrow:
            counts = {label: inputs.count(label) for label in sizes}
            output = "".join(sorted(label for label, n in counts.items() if n == 1))
        out = product(sizes.get(label, 1) for label in output.replace("...", ""))
        out *= ellipsis if "..." in output or not arrow else 1
        return Estimate(out, out * product(sizes.values()) // max(out, 1) * max(ellipsis, 1))

    def _arange_count(self, args, kwargs) -> int:
        values = list(args)
        if not values:
            values = [kwargs.get("start", 0), kwargs.get("end", kwargs.get("stop", 0))]
            if "step" in kwargs:
                values.append(kwargs["step"])
        if len(values) == 1:
            values = [0, values[0]]
        start, end = values[0], values[1]
        step = values[2] if len(values) > 2 else kwargs.get("step", 1)
        try:
            start, end, step = float(start), float(end), float(step)
            if step == 0 or not all(math.isfinite(v) for v in (start, end, step)):
                return 0
            return max(0, math.ceil((end - start) / step))
        except (TypeError, ValueError, OverflowError):
            return 0

    def _matmul(self, a: tuple | None, b: tuple | None) -> Estimate:
        if a is None or b is None or len(a) == 0 or len(b) == 0:
            return Estimate(max(product(a or ()), product(b or ())))
        a2 = (1, *a) if len(a) == 1 else a
        b2 = (*b, 1) if len(b) == 1 else b
        batch = broadcast_shape([a2[:-2], b2[:-2]])
        if batch is None:
            batch = max(a2[:-2], b2[:-2], key=product)
        n, k, m = a2[-2], a2[-1], b2[-1]
        out = product(batch) * n * m
        return Estimate(out, out * k)

    def _getitem(self, owner, index) -> Estimate:
        shape = self.shape(owner)
        if shape is None:
            return Estimate(0)
        items = index if isinstance(index, tuple) else (index,)
        advanced = [self.shape(i) for i in items if self.is_array(i)]
        # a nested list is an index array of its own shape: [[0] * 3000] * 3000 picks 9,000,000 elements
        advanced += [(self.nested_count(i),) for i in items if isinstance(i, list)]
        if not advanced:
            return Estimate(product(shape))  # basic indexing is a view: never bigger than the tensor
        picked = product(broadcast_shape(advanced) or max(advanced, key=product))
        return Estimate(picked * max(1, product(shape)) // max(1, shape[0] if shape else 1))
