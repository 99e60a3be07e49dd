"""A tree-walking interpreter for the small part of Python that autograd lessons use.

The program's text is parsed with `ast` and checked (program_check); then each node is interpreted here.
Nothing of the program is ever handed to `eval`, `exec` or `compile`. The program only ever holds values
of a closed set of kinds: plain data (numbers, strings, lists, tuples, dicts, ranges), engine and numpy
objects, and the wrappers below (namespaces for modules, callables for functions). Every attribute read goes
through an allow-list for the value's kind, and only the wrappers can be called, so a program cannot reach
an object the allow-lists do not name. Every call into the engine or numpy first predicts the size of its
result (result_sizes.Sizer) so that budgets are enforced before numpy allocates.
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
import types

import numpy as np

from explorer.sandbox import allow_lists
from explorer.sandbox.limits import Budget, LimitExceeded, Limits
from explorer.sandbox.program_check import CheckFailure, parse_program
from explorer.sandbox.result import OutputEntry, ProgramError
from explorer.sandbox.result_sizes import Sizer
from explorer.text import t


class Refusal(Exception):
    """Something the program tried that the sandbox does not allow or that fails as Python would fail.

    `kind` is the Python exception name users would expect ("NameError"), or "NotAllowed".
    """

    def __init__(self, key: str, kind: str = "NotAllowed", **params):
        super().__init__(key)
        self.key = key
        self.kind = kind
        self.params = params


class _ControlFlow(Exception):
    pass


class _Break(_ControlFlow):
    pass


class _Continue(_ControlFlow):
    pass


class _Return(_ControlFlow):
    def __init__(self, value):
        super().__init__()
        self.value = value


# known PyTorch messages -> the plain explanation the UI shows next to them
HINTS = (
    ("does not require grad and does not have a grad_fn", "hint.no_grad_fn"),
    ("backward through the graph a second time", "hint.backward_twice"),
    ("only Tensors of floating point", "hint.float_requires_grad"),
    ("grad can be implicitly created only for scalar outputs", "hint.non_scalar_backward"),
    ("leaf Variable that requires grad is being used in an in-place operation", "hint.inplace_leaf"),
    ("must match the size of tensor", "hint.broadcast"),
    ("shapes cannot be multiplied", "hint.matmul_shapes"),
    ("modified by an inplace operation", "hint.version_counter"),
    ("Can't call numpy() on Tensor that requires grad", "hint.numpy_requires_grad"),
    ("a Tensor with", "hint.item_many"),
)


def hint_for(message: str) -> str | None:
    for needle, key in HINTS:
        if needle in message:
            return key
    return None


# ----------------------------------------------------------------------------------------------------------
# the values a program can hold besides plain data and engine objects


class Scope:
    __slots__ = ("parent", "vars")

    def __init__(self, parent: Scope | None = None):
        self.vars: dict = {}
        self.parent = parent


class SandboxCallable:
    """Everything a program can call. Also callable from Python, so the engine can call it back."""

    interp: Interpreter

    def __call__(self, *args, **kwargs):
        return self.interp.invoke(self, args, kwargs)


class BuiltinFunction(SandboxCallable):
    def __init__(self, interp, name: str, impl, pytype: type | None = None):
        self.interp = interp
        self.name = name
        self.impl = impl
        self.pytype = pytype  # for isinstance(x, float) and dtype=float

    def __repr__(self) -> str:
        if self.pytype is not None:
            return f"<class '{self.name}'>"
        return f"<built-in function {self.name}>"


class EngineFunction(SandboxCallable):
    """A function or method of the engine or numpy (or a method of a str/list/dict), wrapped."""

    def __init__(self, interp, fn, name: str, kind: str, owner=None, sizing: str | None = None):
        self.interp = interp
        self.fn = fn
        self.name = name
        self.kind = kind  # "engine" | "numpy" | "math" | "python"
        self.owner = owner
        self.sizing = sizing or name  # the allocation rule to apply

    def __repr__(self) -> str:
        if self.owner is not None:
            return f"<built-in method {self.name} of {type(self.owner).__name__} object>"
        return f"<function {self.name}>"


class ClassRef(SandboxCallable):
    """A class offered by a module: usable in isinstance/type comparisons; callable if constructible."""

    def __init__(self, interp, cls: type, name: str, display: str, constructible: bool, kind: str):
        self.interp = interp
        self.cls = cls
        self.name = name
        self.display = display
        self.constructible = constructible
        self.kind = kind

    def __repr__(self) -> str:
        return f"<class '{self.display}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, (ClassRef, TypeDisplay)):
            return self.cls is other.cls
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.cls)


class TypeDisplay:
    """What `type(x)` gives: prints like the class, compares with classes, and nothing more."""

    def __init__(self, cls: type, display: str):
        self.cls = cls
        self.display = display

    def __repr__(self) -> str:
        return f"<class '{self.display}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, (ClassRef, TypeDisplay)):
            return self.cls is other.cls
        if isinstance(other, BuiltinFunction) and other.pytype is not None:
            return self.cls is other.pytype
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.cls)


class UserFunction(SandboxCallable):
    def __init__(self, interp, name: str, node, scope: Scope, defaults: dict):
        self.interp = interp
        self.name = name
        self.node = node
        self.scope = scope
        self.defaults = defaults
        args = node.args
        self.positional = [a.arg for a in args.args]
        self.keyword_only = [a.arg for a in args.kwonlyargs]

    def __repr__(self) -> str:
        return f"<function {self.name} at 0x{id(self):012x}>"


class Namespace:
    """A module as the program sees it: only the allowed names, read-only."""

    def __init__(self, path: str, display: str, entries: dict, real_names: set):
        self.path = path
        self.display = display
        self.entries = entries
        self.real_names = real_names  # names the real module has: "not available" vs "no attribute"

    def __repr__(self) -> str:
        return f"<module '{self.display}'>"


# ----------------------------------------------------------------------------------------------------------
# the interpreter

BINARY_OPERATORS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.MatMult: operator.matmul, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
}
INPLACE_OPERATORS = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul, ast.Div: operator.itruediv,
    ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod, ast.Pow: operator.ipow,
    ast.MatMult: operator.imatmul, ast.LShift: operator.ilshift, ast.RShift: operator.irshift,
    ast.BitOr: operator.ior, ast.BitAnd: operator.iand, ast.BitXor: operator.ixor,
}
COMPARE_OPERATORS = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
UNARY_OPERATORS = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
                   ast.Not: operator.not_}

PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)
DIGITS = re.compile(r"\d+")

MODULE_ALIASES = {"numpy": "numpy", "numpy.random": "numpy.random", "numpy.linalg": "numpy.linalg",
                  "math": "math"}


class Interpreter:
    """Runs one program. `run(source)` fills `outputs`; errors come out as ProgramError."""

    def __init__(self, engine=None, limits: Limits | None = None, lang: str = "en", on_bind=None,
                 real_numbers: bool = False):
        if engine is None:
            import engine as engine_module  # the engine is the only torch a program sees

            engine = engine_module
        self.engine = engine
        self.engine_root = engine.__name__
        self.tensor_type = engine.Tensor
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.lang = lang
        self.on_bind = on_bind  # callback(name, value, line) for top-level bindings
        # numbers are real numbers (the descent demo's loss): an integer beyond a float's exact range, or an
        # integer power with an exponent above 64, goes on as a float, and a complex result is an error
        self.real_numbers = real_numbers
        self.outputs: list[OutputEntry] = []
        self.globals = Scope()
        self.scope = self.globals
        self.depth = 0
        self.loop_depth = 0  # leaves bound inside loops (gradients of each step) are not offered to the UI
        self.line = 1
        self.tracker = None  # set by the runner: accounts tensors the engine creates
        self.hooked = False  # the program registered a hook or retain_grad: its code runs inside backward passes
        self.sizer = Sizer(self.is_array, self.limits.tensor_elements)
        self._namespaces: dict[str, Namespace] = {}
        self.builtins = self._make_builtins()
        self._statements = {
            ast.Expr: self._exec_expr, ast.Assign: self._exec_assign, ast.AugAssign: self._exec_augassign,
            ast.AnnAssign: self._exec_annassign, ast.If: self._exec_if, ast.For: self._exec_for,
            ast.While: self._exec_while, ast.Break: self._exec_break, ast.Continue: self._exec_continue,
            ast.Pass: lambda node: None, ast.With: self._exec_with, ast.FunctionDef: self._exec_def,
            ast.Return: self._exec_return, ast.Import: self._exec_import,
            ast.ImportFrom: self._exec_importfrom,
            ast.Assert: self._exec_assert, ast.Delete: self._exec_delete,
        }
        self._expressions = {
            ast.Constant: self._eval_constant, ast.Name: self._eval_name, ast.Attribute: self._eval_attribute,
            ast.Subscript: self._eval_subscript, ast.Call: self._eval_call, ast.BinOp: self._eval_binop,
            ast.UnaryOp: self._eval_unaryop, ast.BoolOp: self._eval_boolop, ast.Compare: self._eval_compare,
            ast.IfExp: self._eval_ifexp, ast.List: self._eval_list, ast.Tuple: self._eval_tuple,
            ast.Dict: self._eval_dict, ast.ListComp: self._eval_listcomp,
            ast.GeneratorExp: self._eval_listcomp, ast.DictComp: self._eval_dictcomp,
            ast.Lambda: self._eval_lambda, ast.JoinedStr: self._eval_joinedstr,
            ast.Slice: self._eval_slice,
        }

    # ------------------------------------------------------------------------------------------------------
    # entry points

    def run(self, source: str) -> None:
        try:
            tree = parse_program(source, self.limits)
        except CheckFailure as failure:
            raise self._check_error(failure) from None
        self.run_tree(tree)

    def run_tree(self, tree: ast.Module) -> None:
        for stmt in tree.body:
            self.exec_stmt(stmt, top_level=True)

    def evaluate(self, tree: ast.expr, variables: dict):
        """The value of one checked expression (the descent demo's loss, explorer/sandbox/loss_check.py) with
        `variables` bound beside `torch`. Each evaluation runs under fresh budgets; a failure comes out as a
        ProgramError whose `cause` is what failed."""
        self.budget = Budget(self.limits)
        scope = Scope()
        scope.vars["torch"] = self.namespace("torch")
        scope.vars.update(variables)
        outer, self.scope = self.scope, scope
        try:
            return self.eval(tree)
        finally:
            self.scope = outer

    def _check_error(self, failure: CheckFailure) -> ProgramError:
        node = failure.node
        line = getattr(node, "lineno", 1) or 1
        col = (getattr(node, "col_offset", 0) or 0) + 1
        if failure.key == "sandbox.syntax_error":
            kind, hint = "SyntaxError", None
        elif failure.key in LIMIT_CHECKS:
            kind, hint = "LimitError", "hint.limit"
        else:
            kind, hint = "NotAllowed", None
        return ProgramError(line, col, t(failure.key, self.lang, **failure.params), kind, hint)

    # ------------------------------------------------------------------------------------------------------
    # errors

    def program_error(self, exc: BaseException, node) -> ProgramError:
        if isinstance(exc, ProgramError):
            return exc
        error = self._describe_error(exc, node)
        error.cause = exc
        return error

    def _describe_error(self, exc: BaseException, node) -> ProgramError:
        line = getattr(node, "lineno", None) or self.line
        col = (getattr(node, "col_offset", 0) or 0) + 1
        if isinstance(exc, LimitExceeded):
            return ProgramError(line, col, t(exc.key, self.lang, **exc.params), "LimitError", "hint.limit")
        if isinstance(exc, Refusal):
            return ProgramError(line, col, t(exc.key, self.lang, **exc.params), exc.kind)
        if isinstance(exc, CheckFailure):
            return ProgramError(line, col, t(exc.key, self.lang, **exc.params), "NotAllowed")
        if isinstance(exc, RecursionError):
            return ProgramError(line, col, t("limit.python_recursion", self.lang), "LimitError", "hint.limit")
        if isinstance(exc, MemoryError):
            return ProgramError(line, col, t("limit.memory", self.lang), "LimitError", "hint.limit")
        kind = type(exc).__name__
        try:
            text = str(exc)
        except Exception:  # an exception whose text cannot be made still gets its type shown
            text = ""
        message = f"{kind}: {text}" if text else kind
        return ProgramError(line, col, message.splitlines()[0] if kind == "SyntaxError" else message, kind,
                            hint_for(message))

    # ------------------------------------------------------------------------------------------------------
    # statements

    def exec_block(self, body: list) -> None:
        for stmt in body:
            self.exec_stmt(stmt)

    def exec_stmt(self, stmt, top_level: bool = False) -> None:
        self.budget.tick()
        self.line = stmt.lineno
        handler = self._statements[type(stmt)]
        try:
            if top_level and type(stmt) is ast.Expr:
                self._exec_expr(stmt, display=True)
            else:
                handler(stmt)
        except (ProgramError, _ControlFlow):
            raise
        except Exception as exc:
            raise self.program_error(exc, stmt) from None

    def _exec_expr(self, node: ast.Expr, display: bool = False) -> None:
        value = self.eval(node.value)
        if display and value is not None:
            self.emit("expr", self.repr_of(value), node.lineno)

    def _exec_assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _exec_annassign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value))

    def _exec_augassign(self, node: ast.AugAssign) -> None:
        target = node.target
        op = type(node.op)
        if isinstance(target, ast.Name):
            current = self.lookup(target.id)
            self.assign(target, self.binop(op, current, self.eval(node.value), inplace=True))
        elif isinstance(target, ast.Subscript):
            container = self.eval(target.value)
            index = self.eval(target.slice)
            current = self.get_item(container, index)
            self.set_item(container, index, self.binop(op, current, self.eval(node.value), inplace=True))
        else:
            owner = self.eval(target.value)
            current = self.get_attribute(owner, target.attr)
            updated = self.binop(op, current, self.eval(node.value), inplace=True)
            self.set_attribute(owner, target.attr, updated)

    def _exec_if(self, node: ast.If) -> None:
        if self.truth(self.eval(node.test)):
            self.exec_block(node.body)
        else:
            self.exec_block(node.orelse)

    def _exec_for(self, node: ast.For) -> None:
        iterator = self.iterate(self.eval(node.iter))

        def rounds():
            for item in iterator:
                self.assign(node.target, item)
                yield

        self._run_loop(node, rounds())

    def _exec_while(self, node: ast.While) -> None:
        self._run_loop(node, iter(lambda: self.truth(self.eval(node.test)), False))

    def _run_loop(self, node: ast.For | ast.While, rounds) -> None:
        """The body once per round (each round budgeted), break/continue, and `else` when not broken."""
        finished = True
        self.loop_depth += 1
        try:
            for _ in rounds:
                self.budget.tick()
                try:
                    self.exec_block(node.body)
                except _Break:
                    finished = False
                    break
                except _Continue:
                    continue
        finally:
            self.loop_depth -= 1
        if finished:
            self.exec_block(node.orelse)

    def _exec_break(self, node) -> None:
        raise _Break

    def _exec_continue(self, node) -> None:
        raise _Continue

    def _exec_return(self, node: ast.Return) -> None:
        raise _Return(None if node.value is None else self.eval(node.value))

    def _exec_with(self, node: ast.With) -> None:
        managers = []
        try:
            for item in node.items:
                manager = self.eval(item.context_expr)
                if not self.is_context_manager(manager):
                    what = f"'with' on {self.kind_name(manager)} objects"
                    raise Refusal("sandbox.unsupported_syntax", what=what)
                value = type(manager).__enter__(manager)
                managers.append(manager)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value)
            self.exec_block(node.body)
        finally:
            # leave in reverse order even when the body failed, so grad mode is always restored
            for manager in reversed(managers):
                type(manager).__exit__(manager, None, None, None)

    def _exec_def(self, node: ast.FunctionDef) -> None:
        self.bind(node.name, UserFunction(self, node.name, node, self.scope, self._defaults(node.args)))

    def _defaults(self, args: ast.arguments) -> dict:
        defaults = {}
        positional = args.args[len(args.args) - len(args.defaults):]
        for arg, default in zip(positional, args.defaults):
            defaults[arg.arg] = self.eval(default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                defaults[arg.arg] = self.eval(default)
        return defaults

    def _exec_import(self, node: ast.Import) -> None:
        for alias in node.names:
            path = alias.name
            namespace = self.namespace(path)
            if namespace is None:
                raise Refusal("sandbox.import_refused", kind="ModuleNotFoundError", module=path)
            if alias.asname:
                self.bind(alias.asname, namespace)
            else:
                root = path.split(".")[0]
                self.bind(root, self.namespace(root))

    def _exec_importfrom(self, node: ast.ImportFrom) -> None:
        path = node.module or ""
        namespace = self.namespace(path)
        if namespace is None:
            raise Refusal("sandbox.import_refused", kind="ModuleNotFoundError", module=path)
        for alias in node.names:
            sub = self.namespace(f"{path}.{alias.name}")
            if sub is not None:
                value = sub
            elif alias.name in namespace.entries:
                value = namespace.entries[alias.name]
            elif alias.name in namespace.real_names:
                raise Refusal("sandbox.builtin_refused", name=f"{namespace.display}.{alias.name}")
            else:
                raise Refusal("sandbox.import_name_missing", kind="ImportError", name=alias.name,
                              module=namespace.display)
            self.bind(alias.asname or alias.name, value)

    def _exec_assert(self, node: ast.Assert) -> None:
        if not self.truth(self.eval(node.test)):
            detail = "" if node.msg is None else f": {self.str_of(self.eval(node.msg))}"
            raise Refusal("sandbox.assertion", kind="AssertionError", detail=detail)

    def _exec_delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                scope = self.scope
                if target.id not in scope.vars:
                    raise Refusal("sandbox.name_undefined", kind="NameError", name=target.id)
                del scope.vars[target.id]
            else:
                container = self.eval(target.value)
                if not isinstance(container, (list, dict)):
                    what = f"'del' on {self.kind_name(container)} items"
                    raise Refusal("sandbox.unsupported_syntax", what=what)
                del container[self.eval(target.slice)]

    # ------------------------------------------------------------------------------------------------------
    # binding names

    def assign(self, target, value) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.materialize(value)
            if len(items) != len(target.elts):
                if len(items) > len(target.elts):
                    raise ValueError(f"too many values to unpack (expected {len(target.elts)})")
                expected = len(target.elts)
                raise ValueError(f"not enough values to unpack (expected {expected}, got {len(items)})")
            for sub, item in zip(target.elts, items):
                self.assign(sub, item)
        elif isinstance(target, ast.Subscript):
            self.set_item(self.eval(target.value), self.eval(target.slice), value)
        elif isinstance(target, ast.Attribute):
            self.set_attribute(self.eval(target.value), target.attr, value)
        else:
            raise Refusal("sandbox.unsupported_syntax", what=f"assigning to {type(target).__name__}")

    def bind(self, name: str, value) -> None:
        self.scope.vars[name] = value
        if self.scope is self.globals and self.on_bind is not None:
            self.on_bind(name, value, self.line, self.loop_depth > 0)

    def lookup(self, name: str):
        scope = self.scope
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        if name in self.builtins:
            return self.builtins[name]
        if name in allow_lists.REFUSED_BUILTINS:
            raise Refusal("sandbox.builtin_refused", name=name)
        raise Refusal("sandbox.name_undefined", kind="NameError", name=name)

    # ------------------------------------------------------------------------------------------------------
    # expressions

    def eval(self, node):
        handler = self._expressions.get(type(node))
        if handler is None:
            raise self.program_error(Refusal("sandbox.unsupported_syntax", what=type(node).__name__), node)
        try:
            return handler(node)
        except ProgramError:
            raise
        except Exception as exc:
            raise self.program_error(exc, node) from None

    def _eval_constant(self, node: ast.Constant):
        value = node.value
        if self.real_numbers and _is_int(value) and abs(value) >= 2**31:
            return float(value)
        return value

    def _eval_name(self, node: ast.Name):
        return self.lookup(node.id)

    def _eval_attribute(self, node: ast.Attribute):
        return self.get_attribute(self.eval(node.value), node.attr)

    def _eval_subscript(self, node: ast.Subscript):
        return self.get_item(self.eval(node.value), self.eval(node.slice))

    def _eval_slice(self, node: ast.Slice):
        part = lambda n: None if n is None else self.eval(n)
        return slice(part(node.lower), part(node.upper), part(node.step))

    def _eval_call(self, node: ast.Call):
        func = self.eval(node.func)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.materialize(self.eval(arg.value)))
            else:
                args.append(self.eval(arg))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                mapping = self.eval(keyword.value)
                if not isinstance(mapping, dict) or not all(isinstance(k, str) for k in mapping):
                    raise TypeError("argument after ** must be a mapping with string keys")
                for key in mapping:
                    if key.startswith("_"):
                        raise Refusal("sandbox.private_name", name=key)
                kwargs.update(mapping)
            else:
                kwargs[keyword.arg] = self.eval(keyword.value)
        self.budget.check_sequence(len(args))
        return self.invoke(func, tuple(args), kwargs)

    def _eval_binop(self, node: ast.BinOp):
        return self.binop(type(node.op), self.eval(node.left), self.eval(node.right))

    def _eval_unaryop(self, node: ast.UnaryOp):
        operand = self.eval(node.operand)
        if type(node.op) is ast.Not:
            return not self.truth(operand)
        result = UNARY_OPERATORS[type(node.op)](operand)
        self.account(result)
        return result

    def _eval_boolop(self, node: ast.BoolOp):
        is_and = isinstance(node.op, ast.And)
        value = None
        for sub in node.values:
            value = self.eval(sub)
            if self.truth(value) != is_and:
                return value
        return value

    def _eval_compare(self, node: ast.Compare):
        left = self.eval(node.left)
        result = True
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator)
            if self.is_array(left) or self.is_array(right):
                self.check_estimate("compare", (left, right), {})
            result = COMPARE_OPERATORS[type(op)](left, right)
            self.account(result)
            if len(node.ops) > 1 and not self.truth(result):
                return result
            left = right
        return result

    def _eval_ifexp(self, node: ast.IfExp):
        return self.eval(node.body) if self.truth(self.eval(node.test)) else self.eval(node.orelse)

    def _elements(self, nodes) -> list:
        items = []
        for sub in nodes:
            if isinstance(sub, ast.Starred):
                items.extend(self.materialize(self.eval(sub.value)))
            else:
                items.append(self.eval(sub))
            self.budget.check_sequence(len(items))
        return items

    def _eval_list(self, node: ast.List):
        return self._elements(node.elts)

    def _eval_tuple(self, node: ast.Tuple):
        return tuple(self._elements(node.elts))

    def _eval_dict(self, node: ast.Dict):
        result = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                mapping = self.eval(value)
                if not isinstance(mapping, dict):
                    raise TypeError(f"'{self.kind_name(mapping)}' object is not a mapping")
                result.update(mapping)
            else:
                result[self.eval(key)] = self.eval(value)
        self.budget.check_sequence(len(result))
        return result

    def _comprehension(self, generators, produce) -> None:
        """Run nested `for ... if ...` clauses in their own scope, calling produce() for each item."""
        outer = self.scope
        self.scope = Scope(parent=outer)
        try:
            self._comprehension_level(generators, 0, produce)
        finally:
            self.scope = outer

    def _comprehension_level(self, generators, index: int, produce) -> None:
        clause = generators[index]
        if clause.is_async:
            raise Refusal("sandbox.unsupported_syntax", what="async comprehensions")
        for item in self.iterate(self.eval(clause.iter)):
            self.budget.tick()
            self.assign(clause.target, item)
            if all(self.truth(self.eval(cond)) for cond in clause.ifs):
                if index + 1 < len(generators):
                    self._comprehension_level(generators, index + 1, produce)
                else:
                    produce()

    def _eval_listcomp(self, node):
        # generator expressions are evaluated eagerly: the result is the same for the sum()/list()/tuple()
        # uses lessons make of them, and a program never holds a live generator
        items = []

        def produce():
            items.append(self.eval(node.elt))
            self.budget.check_sequence(len(items))

        self._comprehension(node.generators, produce)
        return items

    def _eval_dictcomp(self, node: ast.DictComp):
        result = {}

        def produce():
            result[self.eval(node.key)] = self.eval(node.value)
            self.budget.check_sequence(len(result))

        self._comprehension(node.generators, produce)
        return result

    def _eval_lambda(self, node: ast.Lambda):
        return UserFunction(self, "<lambda>", node, self.scope, self._defaults(node.args))

    def _eval_joinedstr(self, node: ast.JoinedStr):
        parts = []
        total = 0
        for value in node.values:
            if isinstance(value, ast.Constant):
                text = value.value
            else:
                text = self.format_value(value)
            total += len(text)
            self.budget.check_sequence(total)
            parts.append(text)
        return "".join(parts)

    def format_value(self, node: ast.FormattedValue) -> str:
        value = self.eval(node.value)
        if node.conversion == ord("r"):
            value = self.repr_of(value)
        elif node.conversion == ord("s"):
            value = self.str_of(value)
        elif node.conversion == ord("a"):
            value = ascii(self.repr_of(value))[1:-1]
        spec = ""
        if node.format_spec is not None:
            spec = "".join(part.value for part in node.format_spec.values)
            self.check_format_spec(spec)
        if isinstance(value, SandboxCallable | Namespace | TypeDisplay):
            value = repr(value)
        return format(value, spec)

    def check_format_spec(self, spec: str) -> None:
        for digits in DIGITS.findall(spec):
            if len(digits) > 6 or int(digits) > self.limits.format_width:
                raise Refusal("sandbox.format_spec_width", limit=self.limits.format_width)

    # ------------------------------------------------------------------------------------------------------
    # operators with budgets

    def binop(self, op: type, left, right, inplace: bool = False):
        fn = (INPLACE_OPERATORS if inplace else BINARY_OPERATORS)[op]
        if self.real_numbers and op is ast.Pow and _is_int(left) and _is_int(right) and abs(right) > 64:
            left, right = float(left), float(right)  # keep integer powers small: no giant ints
        if _is_int(left) and _is_int(right):
            self._check_int_op(op, left, right)
            result = fn(left, right)
            if isinstance(result, int):
                self.budget.check_int_bits(result.bit_length())
                if self.real_numbers and abs(result) >= 2**53:
                    result = float(result)  # beyond 2**53 floats are what the engine uses anyway
            return result
        if op is ast.Mod and isinstance(left, str):
            self.check_percent_format(left)
            result = fn(left, right)
            self.budget.charge_sequence(len(result))
            return result
        if op is ast.Mult:
            self._check_repetition(left, right)
            self._check_repetition(right, left)
        if op is ast.Add and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            self.budget.charge_sequence(len(left) + len(right))
        if op is ast.Add and isinstance(left, list) and inplace and not isinstance(right, (list, tuple, str)):
            right = self.materialize(right)
            self.budget.charge_sequence(len(left) + len(right))
        if self.is_array(left) or self.is_array(right):
            self.check_estimate("__matmul__" if op is ast.MatMult else "binary", (left, right), {})
            self.budget.tick()
        elif isinstance(left, SandboxCallable | Namespace) or isinstance(right, SandboxCallable | Namespace):
            raise TypeError(f"unsupported operand type(s) for {_OP_SYMBOLS.get(op, '?')}: "
                            f"'{self.kind_name(left)}' and '{self.kind_name(right)}'")
        result = fn(left, right)
        if self.real_numbers and isinstance(result, complex):
            raise ValueError("a negative number to a fractional power")
        self.account(result)
        return result

    def _check_int_op(self, op, left: int, right: int) -> None:
        if op is ast.Pow and right > 0 and abs(left) > 1:
            bits = int(right * math.log2(abs(left))) + 1
            self.budget.check_int_bits(bits)
        elif op is ast.Mult:
            self.budget.check_int_bits(left.bit_length() + right.bit_length() - 1)
        elif op is ast.LShift and right > 0:
            self.budget.check_int_bits(left.bit_length() + right)

    def _check_repetition(self, seq, count) -> None:
        if isinstance(seq, (str, list, tuple)) and _is_int(count):
            self.budget.charge_sequence(len(seq) * max(int(count), 0))

    def check_percent_format(self, text: str) -> None:
        for match in PERCENT_SPEC.finditer(text):
            width, precision = match.group(1), match.group(2)
            if width == "*" or precision == "*":
                raise Refusal("sandbox.format_spec_dynamic")
            for part in (width, precision):
                if part and (len(part) > 6 or int(part) > self.limits.format_width):
                    raise Refusal("sandbox.format_spec_width", limit=self.limits.format_width)

    def truth(self, value) -> bool:
        return bool(value)

    # ------------------------------------------------------------------------------------------------------
    # calls

    def invoke(self, func, args: tuple, kwargs: dict):
        if isinstance(func, UserFunction):
            return self.call_user(func, args, kwargs)
        if isinstance(func, BuiltinFunction):
            self.budget.tick()
            return func.impl(*args, **kwargs)
        if isinstance(func, EngineFunction):
            if func.kind == "python":
                return self.call_python_method(func, args, kwargs)
            if func.name in allow_lists.BACKWARD_HOOKS:
                self.hooked = True
            return self.call_engine(func.fn, func.sizing, args, kwargs, func.owner, func.kind)
        if isinstance(func, ClassRef):
            if not func.constructible:
                raise Refusal("sandbox.builtin_refused", name=func.display)
            return self.call_engine(func.cls, func.name, args, kwargs, None, func.kind)
        if self.is_engine_object(func) and type(func).__name__ in allow_lists.NN_NAMES:
            # an nn layer or loss built by the program: calling it runs its forward
            return self.call_engine(func, "module_call", args, kwargs, None, "engine")
        raise Refusal("sandbox.not_callable", kind="TypeError", what=self.kind_name(func))

    def call_user(self, func: UserFunction, args: tuple, kwargs: dict):
        self.budget.tick()
        if self.depth >= self.limits.call_depth:
            raise LimitExceeded("limit.call_depth", limit=self.limits.call_depth)
        scope = Scope(parent=func.scope)
        names = func.positional
        if len(args) > len(names):
            raise Refusal("sandbox.call_arguments", kind="TypeError", name=func.name,
                          detail=f"takes {len(names)} positional arguments but {len(args)} were given")
        scope.vars.update(zip(names, args))
        for key, value in kwargs.items():
            if key not in names and key not in func.keyword_only:
                raise Refusal("sandbox.call_arguments", kind="TypeError", name=func.name,
                              detail=f"got an unexpected keyword argument '{key}'")
            if key in scope.vars:
                raise Refusal("sandbox.call_arguments", kind="TypeError", name=func.name,
                              detail=f"got multiple values for argument '{key}'")
            scope.vars[key] = value
        for name in names + func.keyword_only:
            if name not in scope.vars:
                if name not in func.defaults:
                    raise Refusal("sandbox.call_arguments", kind="TypeError", name=func.name,
                                  detail=f"missing 1 required argument: '{name}'")
                scope.vars[name] = func.defaults[name]
        outer_scope, outer_line = self.scope, self.line
        self.scope = scope
        self.depth += 1
        try:
            if isinstance(func.node, ast.Lambda):
                return self.eval(func.node.body)
            try:
                self.exec_block(func.node.body)
            except _Return as ret:
                return ret.value
            return None
        finally:
            self.depth -= 1
            self.scope = outer_scope
            self.line = outer_line

    def unwrap(self, value):
        """Our stand-ins for Python's types and the engine's classes -> the real thing, for the engine."""
        if isinstance(value, BuiltinFunction) and value.pytype is not None:
            return value.pytype
        if isinstance(value, ClassRef):
            return value.cls
        return value

    def check_estimate(self, sizing: str, args: tuple, kwargs: dict, owner=None) -> None:
        estimate = self.sizer.estimate(sizing, args, kwargs, owner)
        if estimate.elements:
            self.budget.check_elements(estimate.elements)
            self.budget.check_new_bytes(estimate.elements * 8)
        if estimate.macs:
            self.budget.check_matmul(estimate.macs)

    def call_engine(self, fn, sizing: str, args: tuple, kwargs: dict, owner, kind: str):
        self.budget.tick()
        args = tuple(self.unwrap(a) for a in args)
        kwargs = {k: self.unwrap(v) for k, v in kwargs.items()}
        if kind == "numpy":
            self._check_numpy_dtypes(args, kwargs)
        if "size" in kwargs and sizing not in {"module_call"}:
            dims = _dims(kwargs["size"])
            if dims:
                self.budget.check_elements(dims)
        self.check_estimate(sizing, args, kwargs, owner)
        if sizing == "tolist" and owner is not None and self.is_array(owner):
            self.budget.check_sequence(int(np.prod(owner.shape, dtype=object)))
        result = fn(*args, **kwargs)
        self.account(result)
        # one engine call can take long (a big matrix product): read the clock after each, not every 256 ticks
        self.budget.check_clock()
        return result

    def _check_numpy_dtypes(self, args: tuple, kwargs: dict) -> None:
        candidates = [kwargs.get("dtype")]
        candidates += [a for a in args if isinstance(a, (type, np.dtype, str)) and not isinstance(a, bool)]
        for candidate in candidates:
            if isinstance(candidate, str) and candidate not in allow_lists.SAFE_DTYPE_NAMES:
                raise Refusal("sandbox.dtype_refused", dtype=repr(candidate))
            if isinstance(candidate, (type, np.dtype)) and not allow_lists.is_safe_dtype(candidate):
                raise Refusal("sandbox.dtype_refused", dtype=repr(candidate))

    def account(self, result) -> None:
        """After an operation: charge the tensors and arrays it made to the budgets."""
        if self.tracker is not None:
            self.tracker.update(result)
        if isinstance(result, np.ndarray):
            if not allow_lists.is_safe_array(result):
                raise Refusal("sandbox.dtype_refused", dtype=str(result.dtype))
            self.budget.check_elements(result.size)
            if result.base is None:
                self.budget.add_numpy(result.nbytes)
        elif isinstance(result, tuple | list) and len(result) <= 16:
            for item in result:
                if isinstance(item, np.ndarray):
                    self.account(item)

    def call_python_method(self, func: EngineFunction, args: tuple, kwargs: dict):
        """str/list/dict methods, with the checks that keep them small."""
        self.budget.tick()
        owner, name = func.owner, func.name
        limit = self.budget.charge_sequence
        if isinstance(owner, str):
            if name in {"ljust", "rjust", "center", "zfill"} and args and _is_int(args[0]):
                limit(args[0])
            elif name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
                occurrences = owner.count(args[0]) if args[0] else len(owner) + 1
                limit(len(owner) + occurrences * len(args[1]))
            elif name == "join" and args:
                parts = self.materialize(args[0])
                limit(sum(len(p) for p in parts if isinstance(p, str)) + len(owner) * max(len(parts) - 1, 0))
                args = (parts, *args[1:])
        elif isinstance(owner, list):
            if name in {"append", "insert"}:
                limit(len(owner) + 1)
            elif name == "extend" and args:
                items = self.materialize(args[0])
                limit(len(owner) + len(items))
                args = (items,)
        elif isinstance(owner, dict) and name == "update":
            result = func.fn(*args, **kwargs)
            limit(len(owner))
            return result
        return func.fn(*args, **kwargs)

    # ------------------------------------------------------------------------------------------------------
    # attributes and items

    def is_array(self, value) -> bool:
        return isinstance(value, (self.tensor_type, np.ndarray))

    def is_engine_object(self, value) -> bool:
        module = type(value).__module__ or ""
        return module == self.engine_root or module.startswith(self.engine_root + ".")

    def is_context_manager(self, value) -> bool:
        return self.is_engine_object(value) and type(value).__name__ in allow_lists.CONTEXT_MANAGER_CLASSES

    def kind_name(self, value) -> str:
        if isinstance(value, Namespace):
            return "module"
        if isinstance(value, UserFunction):
            return "function"
        if isinstance(value, SandboxCallable):
            return "builtin_function_or_method"
        if isinstance(value, self.tensor_type):
            return "Tensor"
        return type(value).__name__

    def get_attribute(self, obj, name: str):
        if name.startswith("_") and not (name == "_version" and isinstance(obj, self.tensor_type)):
            raise Refusal("sandbox.private_name", name=name)
        if isinstance(obj, Namespace):
            if name in obj.entries:
                return obj.entries[name]
            if name in obj.real_names:
                raise Refusal("sandbox.builtin_refused", name=f"{obj.display}.{name}")
            raise Refusal("sandbox.attribute_missing", kind="AttributeError", owner=f"module '{obj.display}'",
                          attr=name)
        if isinstance(obj, self.tensor_type):
            return self._allowed(obj, name, allow_lists.TENSOR_PROPERTIES, allow_lists.TENSOR_METHODS, "engine")
        if isinstance(obj, np.ndarray):
            return self._allowed(obj, name, allow_lists.ARRAY_PROPERTIES, allow_lists.ARRAY_METHODS, "numpy")
        if isinstance(obj, np.generic):
            return self._allowed(obj, name, allow_lists.SCALAR_PROPERTIES, allow_lists.SCALAR_METHODS, "numpy")
        if isinstance(obj, np.dtype):
            return self._allowed(obj, name, allow_lists.NP_DTYPE_PROPERTIES, frozenset(), "numpy")
        if isinstance(obj, str):
            if name in {"format", "format_map"}:
                raise Refusal("sandbox.str_format_refused", name=name)
            return self._allowed(obj, name, frozenset(), allow_lists.STR_METHODS, "python")
        if isinstance(obj, list):
            return self._allowed(obj, name, frozenset(), allow_lists.LIST_METHODS, "python")
        if isinstance(obj, dict):
            return self._allowed(obj, name, frozenset(), allow_lists.DICT_METHODS, "python")
        if isinstance(obj, range):
            methods = {"index", "count"}
            return self._allowed(obj, name, allow_lists.RANGE_ATTRIBUTES - methods, methods, "python")
        if isinstance(obj, float):
            return self._allowed(obj, name, frozenset(), allow_lists.FLOAT_METHODS, "python")
        if self.is_engine_object(obj) or hasattr(type(obj), "next_functions"):
            return self._engine_object_attribute(obj, name)
        if isinstance(obj, tuple):
            return self._allowed(obj, name, frozenset(), allow_lists.TUPLE_METHODS, "python")
        raise Refusal("sandbox.attribute_refused", owner=self.kind_name(obj), attr=name)

    def _engine_object_attribute(self, obj, name: str):
        cls_name = type(obj).__name__
        if hasattr(type(obj), "next_functions") or hasattr(obj, "next_functions"):
            allowed = allow_lists.NODE_NAMES
        elif isinstance(obj, tuple) and getattr(type(obj), "_fields", None) == ("values", "indices"):
            allowed = allow_lists.RETURN_TYPE_NAMES
        elif isinstance(obj, tuple):
            allowed = allow_lists.SIZE_NAMES | allow_lists.TUPLE_METHODS
        elif cls_name == "dtype":
            allowed = allow_lists.DTYPE_NAMES
        elif hasattr(obj, "param_groups"):
            allowed = allow_lists.OPTIMIZER_NAMES
        elif cls_name in allow_lists.NN_NAMES or hasattr(obj, "named_parameters"):
            allowed = allow_lists.MODULE_NAMES
        elif hasattr(obj, "remove") and "Handle" in cls_name:
            allowed = allow_lists.HANDLE_NAMES
        else:
            allowed = frozenset()
        return self._allowed(obj, name, allowed, allowed, "engine")

    def _allowed(self, obj, name: str, properties, methods, kind: str):
        if name not in properties and name not in methods:
            if hasattr(obj, name):
                raise Refusal("sandbox.attribute_refused", owner=self.kind_name(obj), attr=name)
            raise Refusal("sandbox.attribute_missing", kind="AttributeError",
                          owner=f"'{self.kind_name(obj)}' object", attr=name)
        try:
            value = getattr(obj, name)
        except AttributeError:
            raise Refusal("sandbox.attribute_missing", kind="AttributeError",
                          owner=f"'{self.kind_name(obj)}' object", attr=name) from None
        if isinstance(value, (types.MethodType, types.BuiltinMethodType, types.MethodWrapperType)) or (
            name in methods and name not in properties and inspect.isroutine(value)
        ):
            return EngineFunction(self, value, name, kind, owner=obj)
        return value

    def set_attribute(self, obj, name: str, value) -> None:
        if name.startswith("_"):
            raise Refusal("sandbox.private_name", name=name)
        if isinstance(obj, Namespace):
            raise Refusal("sandbox.module_readonly", attr=name)
        if isinstance(obj, self.tensor_type) and name in allow_lists.TENSOR_SETTABLE:
            self.budget.tick()
            setattr(obj, name, self.unwrap(value))
            return
        raise Refusal("sandbox.attribute_readonly", owner=self.kind_name(obj), attr=name)

    def get_item(self, container, index):
        if self.is_array(container):
            self.check_estimate("__getitem__", (index,), {}, owner=container)
            result = container[index]
            self.account(result)
            return result
        if isinstance(container, (list, tuple, str, dict, range)):
            return container[index]
        raise Refusal("sandbox.attribute_refused", owner=self.kind_name(container), attr="[]")

    def set_item(self, container, index, value) -> None:
        if self.is_array(container):
            self.budget.tick()
            container[index] = self.unwrap(value)
            self.account(None)
            return
        if isinstance(container, (list, dict)):
            container[index] = value
            if isinstance(container, dict):
                self.budget.check_sequence(len(container))
            return
        raise TypeError(f"'{self.kind_name(container)}' object does not support item assignment")

    # ------------------------------------------------------------------------------------------------------
    # iteration and text

    def iterate(self, value):
        if isinstance(value, (SandboxCallable, Namespace, TypeDisplay)):
            raise Refusal("sandbox.iterate_refused", kind="TypeError", what=self.kind_name(value))
        if self.is_array(value):
            return self._iterate_array(value)
        return iter(value)

    def _iterate_array(self, value):
        for item in value:
            self.account(item)
            yield item

    def materialize(self, value) -> list | tuple:
        """An iterable -> a list (tuples and lists as they are), counting items against the budget."""
        if isinstance(value, (list, tuple)):
            return value
        if isinstance(value, (range, str, dict)):
            self.budget.charge_sequence(len(value))
            return list(value)
        items = []
        for item in self.iterate(value):
            items.append(item)
            if len(items) % 1024 == 0:
                self.budget.check_sequence(len(items))
                self.budget.tick()
        self.budget.charge_sequence(len(items))
        return items

    def repr_of(self, value) -> str:
        text = repr(value)
        self.budget.charge_sequence(len(text))
        return text

    def str_of(self, value) -> str:
        text = str(value)
        self.budget.charge_sequence(len(text))
        return text

    def emit(self, kind: str, text: str, line: int) -> None:
        self.budget.add_output(len(text))
        # a lone surrogate ("\ud800") would break every consumer that encodes the text: show it escaped
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        self.outputs.append(OutputEntry(line=line, kind=kind, text=text))

    # ------------------------------------------------------------------------------------------------------
    # modules

    def namespace(self, path: str) -> Namespace | None:
        if path in self._namespaces:
            return self._namespaces[path]
        if path in allow_lists.ENGINE_MODULES:
            namespace = self._engine_namespace(path)
        elif path in MODULE_ALIASES:
            namespace = self._plain_namespace(path)
        else:
            return None
        if namespace is not None:
            self._namespaces[path] = namespace
        return namespace

    def _engine_namespace(self, path: str) -> Namespace | None:
        relative, allowed = allow_lists.ENGINE_MODULES[path]
        module = self.engine
        for part in filter(None, relative.split(".")):
            module = getattr(module, part, None)
            if module is None:
                return None
        entries = {}
        for name in sorted(allowed):
            if not hasattr(module, name):
                continue
            value = getattr(module, name)
            sub_path = f"{path}.{name}"
            if isinstance(value, types.ModuleType):
                if sub_path in allow_lists.ENGINE_MODULES:
                    sub = self.namespace(sub_path)
                    if sub is not None:
                        entries[name] = sub
                continue
            if isinstance(value, type):
                display = "torch.Tensor" if value is self.tensor_type else f"{path}.{name}"
                entries[name] = ClassRef(self, value, name, display, name not in allow_lists.NOT_CONSTRUCTIBLE,
                                         "engine")
            elif callable(value):
                entries[name] = EngineFunction(self, value, name, "engine", sizing=_engine_sizing(path, name))
            else:
                entries[name] = value
        real_names = {n for n in dir(module) if not n.startswith("_")}
        return Namespace(path, path, entries, real_names)

    def _plain_namespace(self, path: str) -> Namespace:
        entries: dict = {}
        if path == "numpy":
            for name in allow_lists.NUMPY_FUNCTIONS:
                fn = getattr(np, name, None)
                if fn is not None:
                    sizing = "full" if name in {"zeros", "ones", "empty"} else name
                    entries[name] = EngineFunction(self, fn, name, "numpy", sizing=sizing)
            entries.update(allow_lists.NUMPY_CONSTANTS)
            for name in allow_lists.NUMPY_DTYPES:
                cls = getattr(np, name)
                entries[name] = ClassRef(self, cls, name, f"numpy.{cls.__name__}", True, "numpy")
            entries["ndarray"] = ClassRef(self, np.ndarray, "ndarray", "numpy.ndarray", False, "numpy")
            entries["random"] = self.namespace("numpy.random")
            entries["linalg"] = self.namespace("numpy.linalg")
            real = {n for n in dir(np) if not n.startswith("_")}
            return Namespace(path, "numpy", entries, real)
        if path == "numpy.random":
            for name in allow_lists.NUMPY_RANDOM_FUNCTIONS:
                entries[name] = EngineFunction(self, getattr(np.random, name), name, "numpy",
                                               sizing=_NUMPY_RANDOM_SIZING.get(name, name))
            return Namespace(path, path, entries, {n for n in dir(np.random) if not n.startswith("_")})
        if path == "numpy.linalg":
            for name in allow_lists.NUMPY_LINALG_FUNCTIONS:
                entries[name] = EngineFunction(self, getattr(np.linalg, name), name, "numpy")
            return Namespace(path, path, entries, {n for n in dir(np.linalg) if not n.startswith("_")})
        # math
        for name in allow_lists.MATH_FUNCTIONS:
            if hasattr(math, name):
                entries[name] = EngineFunction(self, getattr(math, name), name, "math")
        entries.update(allow_lists.MATH_CONSTANTS)
        return Namespace(path, "math", entries, {n for n in dir(math) if not n.startswith("_")})

    # ------------------------------------------------------------------------------------------------------
    # builtins

    def _make_builtins(self) -> dict:
        b = {}

        def add(name, impl, pytype=None):
            b[name] = BuiltinFunction(self, name, impl, pytype)

        def _print(*args, sep=" ", end="\n", flush=False):
            if sep is None:
                sep = " "
            if end is None:
                end = "\n"
            if not isinstance(sep, str) or not isinstance(end, str):
                raise TypeError("sep and end must be None or a string")
            text = sep.join(self.str_of(a) for a in args) + end
            self.emit("print", text, self.line)

        def _range(*args):
            if not all(_is_int(a) for a in args) or not 1 <= len(args) <= 3:
                raise TypeError("range() takes 1 to 3 integer arguments")
            return range(*args)

        def _len(value):
            return len(value)

        def _list(value=()):
            return list(self.materialize(value))

        def _tuple(value=()):
            return tuple(self.materialize(value))

        def _dict(*args, **kwargs):
            result = dict(self.materialize(args[0]) if args and not isinstance(args[0], dict) else
                          (args[0] if args else {}), **kwargs)
            self.budget.check_sequence(len(result))
            return result

        def _sum(iterable, start=0):
            total = start
            for item in self.materialize(iterable):
                self.budget.tick()
                total = self.binop(ast.Add, total, item)
            return total

        def _min_max(pick):
            def impl(*args, key=None, default=_MISSING):
                items = self.materialize(args[0]) if len(args) == 1 else list(args)
                if not items:
                    if default is not _MISSING:
                        return default
                    raise ValueError(f"{pick}() arg is an empty sequence")
                best, best_key = items[0], key(items[0]) if key else items[0]
                for item in items[1:]:
                    self.budget.tick()
                    item_key = key(item) if key else item
                    if (item_key < best_key) if pick == "min" else (item_key > best_key):
                        best, best_key = item, item_key
                return best
            return impl

        def _sorted(iterable, key=None, reverse=False):
            items = list(self.materialize(iterable))
            self.budget.tick(len(items))
            return sorted(items, key=key, reverse=reverse)

        def _isinstance(value, kinds):
            return isinstance(value, self._classes_of(kinds))

        def _type(value):
            cls = type(value)
            if isinstance(value, self.tensor_type):
                return TypeDisplay(self.tensor_type, "torch.Tensor")
            if isinstance(value, BuiltinFunction | EngineFunction):
                return TypeDisplay(cls, "builtin_function_or_method")
            if isinstance(value, UserFunction):
                return TypeDisplay(cls, "function")
            if isinstance(value, Namespace):
                return TypeDisplay(cls, "module")
            module = cls.__module__
            if module == "builtins":
                display = cls.__name__
            elif self.is_engine_object(value):
                display = "torch" + module[len(self.engine_root):] + "." + cls.__name__
            else:
                display = f"{module}.{cls.__name__}"
            return TypeDisplay(cls, display)

        def _str(value=""):
            return self.str_of(value)

        def _repr(value):
            return self.repr_of(value)

        def _int(value=0, base=_MISSING):
            if base is _MISSING:
                return int(value)
            return int(value, base)

        def _round(value, ndigits=None):
            return round(value) if ndigits is None else round(value, ndigits)

        def _zip(*iterables):
            return zip(*(self.iterate(it) for it in iterables))

        def _enumerate(iterable, start=0):
            return enumerate(self.iterate(iterable), start)

        def _reversed(seq):
            return list(reversed(self.materialize(seq)))

        def _any(iterable):
            return any(self.truth(v) for v in self.materialize(iterable))

        def _all(iterable):
            return all(self.truth(v) for v in self.materialize(iterable))

        add("print", _print)
        add("range", _range, range)
        add("len", _len)
        add("list", _list, list)
        add("tuple", _tuple, tuple)
        add("dict", _dict, dict)
        add("sum", _sum)
        add("min", _min_max("min"))
        add("max", _min_max("max"))
        add("sorted", _sorted)
        add("reversed", _reversed)
        add("abs", lambda v: self._account_and_return(abs(v)))
        add("round", _round)
        add("float", lambda v=0.0: float(v), float)
        add("int", _int, int)
        add("bool", lambda v=False: self.truth(v), bool)
        add("str", _str, str)
        add("repr", _repr)
        add("isinstance", _isinstance)
        add("type", _type)
        add("zip", _zip)
        add("enumerate", _enumerate)
        add("any", _any)
        add("all", _all)
        b["True"], b["False"], b["None"] = True, False, None
        return b

    def _account_and_return(self, value):
        self.account(value)
        return value

    def _classes_of(self, kinds) -> tuple:
        items = kinds if isinstance(kinds, tuple) else (kinds,)
        classes = []
        for kind in items:
            if isinstance(kind, BuiltinFunction) and kind.pytype is not None:
                classes.append(kind.pytype)
            elif isinstance(kind, ClassRef | TypeDisplay):
                classes.append(kind.cls)
            else:
                raise TypeError("isinstance() arg 2 must be a type or tuple of types")
        return tuple(classes)


_MISSING = object()

# refusals of program_check that are budgets rather than unsupported Python
LIMIT_CHECKS = frozenset({"sandbox.source_too_long", "sandbox.too_deep", "sandbox.too_many_nodes"})

_OP_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
               ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
               ast.BitAnd: "&", ast.BitXor: "^"}

_NUMPY_RANDOM_SIZING = {"rand": "rand", "randn": "randn", "random": "np_size0", "uniform": "np_size2",
                        "normal": "np_size2", "randint": "np_size2", "choice": "np_size1",
                        "permutation": "np_perm", "seed": "none"}


def _engine_sizing(path: str, name: str) -> str:
    if path == "torch.autograd.functional" and name in {"jacobian", "hessian"}:
        return "jacobian"
    return name


def _is_int(value) -> bool:
    return isinstance(value, int)


def _dims(size) -> int:
    """Elements of a `size=` argument, or 0 when it is not a plain shape."""
    if _is_int(size):
        return max(size, 0)
    if isinstance(size, (tuple, list)) and all(_is_int(d) for d in size):
        total = 1
        for d in size:
            total *= max(d, 0)
        return total
    return 0
