"""A tree-walking interpreter for the part of Python that autograd lessons are written in.

The program's text is parsed with `ast` and checked (program_check); then each node is interpreted here.
Nothing of the program is ever handed to `eval`, `exec` or `compile`. The program only ever holds values
of a closed set of kinds: plain data (numbers, strings, lists, tuples, dicts, sets, ranges), engine and numpy
objects, the wrappers of values.py (namespaces for modules, callables for functions, its own classes,
generators), and instances of its own classes. Every attribute read goes through an allow-list for the
value's kind (or, for the program's own objects, the rules of classes.py), and only the wrappers can be
called, so a program cannot reach an object the allow-lists do not name. Every call into the engine or numpy
first predicts the size of its result (result_sizes.Sizer) so that budgets are enforced before numpy
allocates.

Classes (classes.py), generators (generators.py) and exceptions (exceptions.py) are parts of this one
interpreter, kept in their own modules.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import math
import operator
import random
import re
import types
import weakref

import numpy as np

from explorer.sandbox import allow_lists
from explorer.sandbox.classes import ClassSupport
from explorer.sandbox.display import pretty, shown_statements
from explorer.sandbox.exceptions import ExceptionSupport
from explorer.sandbox.generators import GeneratorSupport
from explorer.sandbox.limits import Budget, LimitExceeded, Limits
from explorer.sandbox.notebook import CellPlan
from explorer.sandbox.program_check import (
    READABLE_DUNDERS,
    CheckFailure,
    normalized,
    parse_program,
)
from explorer.sandbox.result import OutputEntry, ProgramError
from explorer.sandbox.result_sizes import Sizer
from explorer.sandbox.values import (
    BoundMethod,
    BuiltinFunction,
    ClassMethod,
    ClassRef,
    EngineFunction,
    GradModeFunction,
    Namespace,
    Property,
    Refusal,
    SandboxCallable,
    SandboxGenerator,
    SandboxObject,
    Scope,
    StaticMethod,
    SuperProxy,
    TypeDisplay,
    UserClass,
    UserFunction,
    _Break,
    _Continue,
    _ControlFlow,
    _Return,
)
from explorer.text import t

__all__ = [
    "BuiltinFunction", "ClassRef", "EngineFunction", "Interpreter", "Namespace", "Refusal", "SandboxCallable",
    "Scope", "TypeDisplay", "UserFunction", "hint_for",
]

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
                  "math": "math", "random": "random"}

# Python's own values whose every error Python words itself ('NoneType' object is not subscriptable, ...): the
# explorer refuses nothing on them that Python would allow, so it says what Python says
PLAIN_SCALARS = (type(None), bool, int, float, complex)

# the errors that end a notebook's run rather than its cell: the budgets are the whole run's
ENDS_A_NOTEBOOK = frozenset({"LimitError", "InternalError", "Stopped"})

# the seed of a run's own `random` and `numpy.random` generators: every run starts from the same state, as a
# script run under `random.seed(0)` and `np.random.seed(0)` would
RUN_SEED = 0
# exceptions whose first ProgramError is remembered (Interpreter.remember_origin)
MAX_ORIGINS = 2_000


class Interpreter(ClassSupport, GeneratorSupport, ExceptionSupport):
    """Runs one program. `run(source)` fills `outputs`; errors come out as ProgramError."""

    def __init__(self, engine=None, limits: Limits | None = None, lang: str = "en", on_bind=None,
                 real_numbers: bool = False):
        if engine is None:
            import engine as engine_module  # the engine is the only torch a program sees

            engine = engine_module
        self.engine = engine
        self.engine_root = engine.__name__
        self.tensor_type = engine.Tensor
        self.node_type = importlib.import_module(f"{self.engine_root}.node").Node
        self.module_type = engine.nn.Module
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.lang = lang
        self.on_bind = on_bind  # callback(name, value, line) for top-level bindings
        # numbers are real numbers (the descent demo's loss): an integer beyond a float's exact range, or an
        # integer power with an exponent above 64, goes on as a float, and a complex result is an error
        self.real_numbers = real_numbers
        self.outputs: list[OutputEntry] = []
        self.cell_errors: list[ProgramError] = []  # a notebook's cells that raised (Interpreter.run)
        self.jupyter = False  # values shown as Jupyter shows them (a pasted notebook), else as Python's prompt
        self.shown: frozenset = frozenset()  # (line, column) of the top-level expressions whose value is shown
        self.globals = Scope(kind="module")
        self.globals.vars["__name__"] = "__main__"
        self.scope = self.globals
        self.depth = 0
        self.loop_depth = 0  # leaves bound inside loops (gradients of each step) are not offered to the UI
        self.line = 1
        self.source = ""
        self.tracker = None  # set by the runner: accounts tensors the engine creates
        self.hooked = False  # the program's code runs inside backward passes (hooks, retain_grad, Functions)
        self.sizer = Sizer(self.is_array, self.limits.tensor_elements)
        self._namespaces: dict[str, Namespace] = {}
        self._class_refs: dict[type, ClassRef] = {}
        self._type_displays: dict[type, TypeDisplay] = {}
        self.random = random.Random(RUN_SEED)
        self.np_random = np.random.RandomState(RUN_SEED)
        self.frames: list = []  # (function or None, scope) of each call under way, innermost last
        self.handling: list = []  # the exceptions being handled (`except` bodies under way), innermost last
        self.origins: dict[int, tuple] = {}  # id(exception) -> (exception, the ProgramError it first made)
        self.warned: set = set()
        self.user_classes: dict[type, UserClass] = {}
        self.private_attrs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.ctx_attrs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._yielding: dict[int, frozenset] = {}
        self._declarations: dict[int, dict] = {}
        self.class_cells: list = []
        self.builtins = self._make_builtins()
        self._statements = {
            ast.Expr: self._exec_expr, ast.Assign: self._exec_assign, ast.AugAssign: self._exec_augassign,
            ast.AnnAssign: self._exec_annassign, ast.If: self._exec_if, ast.For: self._exec_for,
            ast.While: self._exec_while, ast.Break: self._exec_break, ast.Continue: self._exec_continue,
            ast.Pass: lambda node: None, ast.With: self._exec_with, ast.FunctionDef: self._exec_def,
            ast.Return: self._exec_return, ast.Import: self._exec_import,
            ast.ImportFrom: self._exec_importfrom,
            ast.Assert: self._exec_assert, ast.Delete: self._exec_delete, ast.ClassDef: self._exec_classdef,
            ast.Try: self._exec_try, ast.Raise: self._exec_raise, ast.Global: lambda node: None,
            ast.Nonlocal: lambda node: None,
        }
        self._expressions = {
            ast.Constant: self._eval_constant, ast.Name: self._eval_name, ast.Attribute: self._eval_attribute,
            ast.Subscript: self._eval_subscript, ast.Call: self._eval_call, ast.BinOp: self._eval_binop,
            ast.UnaryOp: self._eval_unaryop, ast.BoolOp: self._eval_boolop, ast.Compare: self._eval_compare,
            ast.IfExp: self._eval_ifexp, ast.List: self._eval_list, ast.Tuple: self._eval_tuple,
            ast.Dict: self._eval_dict, ast.Set: self._eval_set, ast.ListComp: self._eval_listcomp,
            ast.SetComp: self._eval_setcomp, ast.GeneratorExp: self._eval_genexp,
            ast.DictComp: self._eval_dictcomp, ast.Lambda: self._eval_lambda, ast.JoinedStr: self._eval_joinedstr,
            ast.Slice: self._eval_slice,
        }

    # ------------------------------------------------------------------------------------------------------
    # entry points

    def run(self, source: str, cells: CellPlan | None = None) -> None:
        """Run a program: a plain one as Python's prompt shows it, stopping at its first error; a pasted notebook's
        (`cells`) as Jupyter runs the cells: each shows the value of its last expression, and a cell that
        raises shows its error where it happened (`cell_errors`, and an "error" output) before the next cell
        runs. Limits end either at once."""
        self.source = source
        try:
            tree = parse_program(source, self.limits)
        except CheckFailure as failure:
            raise self._check_error(failure) from None
        self.jupyter = cells is not None
        self.shown = shown_statements(source, tree) if cells is None else cells.shown
        with self.budget.interrupts():
            if cells is None:
                self.run_tree(tree)
            else:
                self.run_cells(tree, cells)

    def run_tree(self, tree: ast.Module) -> None:
        for stmt in tree.body:
            self.exec_stmt(stmt, top_level=True)

    def run_cells(self, tree: ast.Module, cells: CellPlan) -> None:
        body = tree.body
        start = 0
        while start < len(body):
            cell = cells.cell_of(body[start].lineno)
            end = start
            while end < len(body) and cells.cell_of(body[end].lineno) == cell:
                end += 1
            try:
                for stmt in body[start:end]:
                    self.exec_stmt(stmt, top_level=True)
            except ProgramError as error:
                if error.kind in ENDS_A_NOTEBOOK:
                    raise
                self.cell_errors.append(error)
                self.emit("error", error.message, error.line)
            start = end

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
        origin = self.origins.get(id(exc))
        if origin is not None and origin[0] is exc:
            return origin[1]  # an exception met before (re-raised, or back from Python code): where it began
        error = self._describe_error(exc, node)
        error.cause = exc
        if isinstance(exc, Exception) and not isinstance(exc, (LimitExceeded, Refusal, CheckFailure)):
            self.remember_origin(exc, error)
        return error

    def remember_origin(self, exc: BaseException, error: ProgramError) -> None:
        """Where `exc` began, for a re-raise or its way back from Python code; the most recent ones only (a loop
        that raises and catches must not fill the memory)."""
        origins = self.origins
        if id(exc) in origins and origins[id(exc)][0] is exc:
            return
        origins[id(exc)] = (exc, error)
        if len(origins) > MAX_ORIGINS:
            del origins[next(iter(origins))]

    def _describe_error(self, exc: BaseException, node) -> ProgramError:
        line = getattr(node, "lineno", None) or self.line
        col = (getattr(node, "col_offset", 0) or 0) + 1
        if isinstance(exc, LimitExceeded):
            return ProgramError(line, col, t(exc.key, self.lang, **exc.params), "LimitError", "hint.limit")
        if isinstance(exc, Refusal):
            message = t(exc.key, self.lang, **exc.params)
            return ProgramError(line, col, message, exc.kind, *self._grad_none_hint(node, message))
        if isinstance(exc, CheckFailure):
            return ProgramError(line, col, t(exc.key, self.lang, **exc.params), "NotAllowed")
        if isinstance(exc, RecursionError):
            return ProgramError(line, col, t("limit.python_recursion", self.lang), "LimitError", "hint.limit")
        if isinstance(exc, MemoryError):
            message = t("limit.memory", self.lang, limit=self.limits.memory_bytes // 2**20)
            return ProgramError(line, col, message, "LimitError", "hint.limit")
        kind = type(exc).__name__
        try:
            text = str(exc)
        except Exception:  # an exception whose text cannot be made (its __str__ failed) still gets its type shown
            text = ""
        message = f"{kind}: {text}" if text else kind
        hint = hint_for(message)
        hint, params = (hint, None) if hint is not None else self._grad_none_hint(node, message)
        return ProgramError(line, col, message.splitlines()[0] if kind == "SyntaxError" else message, kind,
                            hint, params)

    def _grad_none_hint(self, node, message: str) -> tuple[str | None, dict | None]:
        """(hint key, its parameters) when what was None in the failing expression is a tensor's `.grad`: why it
        is None (the tensor does not require grad, is not a leaf, or no backward() reached it yet); else
        (None, None). The tensor is found by name, or along a model's layers and parameters."""
        if "NoneType" not in message or not isinstance(node, ast.AST):
            return None, None
        for owner in (n.value for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr == "grad"):
            path = _dotted_name(owner)
            if path is None:
                continue
            try:
                tensor = self._resolve_path(path)
            except Exception:  # a name the failing line could not reach either: no hint from it
                continue
            if not isinstance(tensor, self.tensor_type) or tensor.grad is not None:
                continue
            name = ".".join(path)[:60]
            if not tensor.requires_grad:
                return "hint.grad_none_no_requires_grad", {"tensor": name}
            if not tensor.is_leaf and not tensor.retains_grad:
                return "hint.grad_none_not_leaf", {"tensor": name}
            return "hint.grad_none_no_backward", {"tensor": name}
        return None, None

    def _resolve_path(self, path: list[str]):
        """The value of a dotted name (`w`, `model.fc1.weight`) without running any of the program's code:
        past the first name, only a module's own layers and parameters are followed."""
        value = self.lookup(path[0])
        module = self.module_type
        for name in path[1:]:
            if not (isinstance(value, module) and type(value).named_children is module.named_children
                    and type(value).named_parameters is module.named_parameters):
                raise LookupError(name)
            found = dict(value.named_children()).get(name)
            if found is None:
                found = dict(value.named_parameters(recurse=False)).get(name)
            if found is None:
                raise LookupError(name)
            value = found
        return value

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
                self._exec_expr(stmt, display=(stmt.lineno, stmt.col_offset) in self.shown)
            else:
                handler(stmt)
        except (ProgramError, _ControlFlow):
            raise
        except Exception as exc:
            raise self.program_error(exc, stmt) from None

    def _exec_expr(self, node: ast.Expr, display: bool = False) -> None:
        value = self.eval(node.value)
        if display and value is not None:
            text = pretty(value, self.repr_of, self.writes_own_repr) if self.jupyter else self.repr_of(value)
            self.emit("expr", text, node.lineno)

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
        entered = []
        try:
            for item in node.items:
                manager = self.eval(item.context_expr)
                value = self.enter_manager(manager)
                entered.append(manager)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value)
            self.exec_block(node.body)
        except ProgramError as error:
            # leave in reverse order; a manager of the program's may suppress what the body raised
            if self.exit_managers(entered, error):
                return
            raise
        except BaseException:
            self.exit_managers(entered, None)
            raise
        else:
            self.exit_managers(entered, None)

    def enter_manager(self, manager):
        if isinstance(manager, PLAIN_SCALARS):
            raise TypeError(f"'{type(manager).__name__}' object does not support the context manager protocol")
        if not self.is_context_manager(manager):
            raise Refusal("sandbox.unsupported_syntax", what=f"'with' on {self.kind_name(manager)} objects")
        return type(manager).__enter__(manager)

    def exit_managers(self, entered: list, error: ProgramError | None, program_code: bool = True) -> bool:
        """Leave `entered` in reverse order, even when the body failed, so grad mode is always restored.
        True when a manager of the program's own suppressed `error` (its __exit__ returned a true value).
        program_code=False leaves the program's own managers alone (a generator Python collects)."""
        exc = self.catchable(error) if error is not None else None
        suppressed = False
        while entered:
            manager = entered.pop()
            if isinstance(manager, SandboxObject):
                if (error is not None and exc is None) or not program_code:
                    continue  # past a budget or a refusal, none of the program's code runs again
                args = (None, None, None) if exc is None or suppressed else (self.type_of(exc), exc, None)
                if self.truth(type(manager).__exit__(manager, *args)) and exc is not None:
                    suppressed = True
            else:
                type(manager).__exit__(manager, None, None, None)
        return suppressed

    def _exec_def(self, node: ast.FunctionDef) -> None:
        decorators = [self.eval(d) for d in node.decorator_list]
        func = self.make_function(node)
        for decorator in reversed(decorators):
            func = self.apply_decorator(decorator, func)
        self.bind(node.name, func)

    def make_function(self, node) -> UserFunction:
        """A `def` or `lambda` as the program's function: its defaults evaluated now, its scope the enclosing
        one (a class body's names are not seen from its methods, as in Python)."""
        defaults = self._defaults(node.args)
        scope = self.enclosing_scope(self.scope)
        name = node.name if isinstance(node, ast.FunctionDef) else "<lambda>"
        in_class = self.scope.kind == "class" and self.class_cells
        current = self.frames[-1][0] if self.frames else None
        if in_class:
            qualname = f"{self.class_cells[-1][1]}.{name}"
            cell = self.class_cells[-1][0]
        elif current is not None:
            qualname = f"{current.qualname}.<locals>.{name}"
            cell = current.cell
        else:
            qualname, cell = name, None
        if isinstance(node, ast.Lambda):
            return UserFunction(self, name, node, scope, defaults, qualname=qualname, cell=cell)
        doc = _docstring(node.body)
        return UserFunction(self, name, node, scope, defaults, qualname=qualname, cell=cell,
                            declared=self.declarations(node), is_generator=bool(self.yielding(node)), doc=doc)

    def _defaults(self, args: ast.arguments) -> dict:
        defaults = {}
        positional = (args.posonlyargs + args.args)[len(args.posonlyargs) + len(args.args) - len(args.defaults):]
        for arg, default in zip(positional, args.defaults):
            defaults[arg.arg] = self.eval(default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                defaults[arg.arg] = self.eval(default)
        return defaults

    def declarations(self, node: ast.FunctionDef) -> dict:
        """A function's `global` and `nonlocal` names (its own, not those of functions nested in it), and the
        names it binds ("local"): as in Python, such a name read before the function binds it is an
        UnboundLocalError, not the module's name of the same spelling."""
        found = self._declarations.get(id(node))
        if found is None:
            bound, declared = set(), {}
            for sub in _own_nodes(node.body):
                if isinstance(sub, ast.Global):
                    declared.update(dict.fromkeys(sub.names, "global"))
                elif isinstance(sub, ast.Nonlocal):
                    declared.update(dict.fromkeys(sub.names, "nonlocal"))
                else:
                    bound.update(_names_bound_by(sub))
            found = {**dict.fromkeys(bound, "local"), **declared}
            self._declarations[id(node)] = found
        return found

    def yielding(self, node: ast.FunctionDef) -> frozenset:
        """Ids of the statements of a function that contain a `yield` of its own: empty for a plain function."""
        found = self._yielding.get(id(node))
        if found is None:
            found = frozenset(_yielding_statements(node.body))
            self._yielding[id(node)] = found
        return found

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
        if path == "__future__":
            return  # checked before the run (program_check); annotations are never evaluated here anyway
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
                self.unbind(target.id)
            elif isinstance(target, ast.Attribute):
                self.delete_attribute(self.eval(target.value), target.attr)
            else:
                container = self.eval(target.value)
                if isinstance(container, PLAIN_SCALARS):
                    raise TypeError(f"'{type(container).__name__}' object does not support item deletion")
                if not isinstance(container, (list, dict, SandboxObject)):
                    what = f"'del' on {self.kind_name(container)} items"
                    raise Refusal("sandbox.unsupported_syntax", what=what)
                del container[self.eval(target.slice)]

    # ------------------------------------------------------------------------------------------------------
    # binding names

    def assign(self, target, value) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, PLAIN_SCALARS):
                raise TypeError(f"cannot unpack non-iterable {type(value).__name__} object")
            items = self.materialize(value)
            starred = [i for i, sub in enumerate(target.elts) if isinstance(sub, ast.Starred)]
            if starred:  # a, *rest = ...: the starred name takes a list of what the others leave (one star: checked)
                self._assign_starred(target.elts, starred[0], items)
                return
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

    def _assign_starred(self, targets: list, star: int, items) -> None:
        after = len(targets) - star - 1
        if len(items) < star + after:
            raise ValueError(f"not enough values to unpack (expected at least {star + after}, got {len(items)})")
        rest = list(items[star:len(items) - after])
        self.budget.charge_sequence(len(rest))  # a new list, as a copy is
        for sub, item in zip(targets[:star], items[:star]):
            self.assign(sub, item)
        self.assign(targets[star].value, rest)
        for sub, item in zip(targets[star + 1:], items[len(items) - after:]):
            self.assign(sub, item)

    def _binding_scope(self, name: str) -> Scope:
        """Where an assignment to `name` goes: the current scope, or the module's for a `global` name, or the
        enclosing function's for a `nonlocal` one."""
        scope = self.scope
        declared = scope.declared.get(name) if scope.declared else None
        if declared == "global":
            return self.globals
        if declared == "nonlocal":
            outer = scope.parent
            while outer is not None and outer is not self.globals:
                if outer.kind == "function":
                    kind = outer.declared.get(name) if outer.declared else None
                    if kind == "global":
                        return self.globals
                    if kind in (None, "local") and name in outer.vars:
                        return outer
                outer = outer.parent
            outer = scope.parent
            while outer is not None and outer.kind != "function":
                outer = outer.parent
            return outer if outer is not None else self.globals
        return scope

    def bind(self, name: str, value) -> None:
        scope = self._binding_scope(name)
        scope.vars[name] = value
        if scope is self.globals and self.on_bind is not None:
            self.on_bind(name, value, self.line, self.loop_depth > 0)

    def unbind(self, name: str) -> None:
        scope = self._binding_scope(name)
        if name not in scope.vars:
            raise Refusal("sandbox.name_undefined", kind="NameError", name=name)
        del scope.vars[name]

    def lookup(self, name: str):
        scope = self.scope
        if scope.declared and scope.declared.get(name) == "global":
            scope = self.globals
        innermost = True
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            if scope.kind == "function":
                if scope.declared and scope.declared.get(name) == "local":
                    if innermost:
                        raise UnboundLocalError(f"cannot access local variable '{name}' where it is not "
                                                "associated with a value")
                    raise NameError(f"cannot access free variable '{name}' where it is not associated with a "
                                    "value in enclosing scope")
                innermost = False
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
                value = self.eval(arg.value)
                if isinstance(value, PLAIN_SCALARS):
                    name = self.callable_name(func)
                    name = f"__main__.{name}" if isinstance(func, UserFunction) else name  # as Python names it
                    raise TypeError(f"{name}() argument after * must be an iterable, not {type(value).__name__}")
                args.extend(self.materialize(value))
            else:
                args.append(self.eval(arg))
            self.budget.check_sequence(len(args))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is None:
                mapping = self.eval(keyword.value)
                if not isinstance(mapping, dict) or not all(isinstance(k, str) for k in mapping):
                    raise TypeError("argument after ** must be a mapping with string keys")
                for key in mapping:
                    if normalized(key).startswith("__"):
                        raise Refusal("sandbox.private_name", name=key)
                    if key in kwargs:
                        raise TypeError(f"{self.callable_name(func)}() got multiple values for keyword argument "
                                        f"'{key}'")
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
            if type(op) in (ast.In, ast.NotIn) and isinstance(right, (SandboxCallable, Namespace, TypeDisplay)):
                raise TypeError(f"argument of type '{self.kind_name(right)}' is not iterable")
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

    def _eval_set(self, node: ast.Set):
        return set(self._elements(node.elts))

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
        """Run nested `for ... if ...` clauses in their own scope, calling produce() for each item. As in
        Python, the first iterable is evaluated where the comprehension is, and a class body's names are not
        seen from inside it."""
        if any(clause.is_async for clause in generators):
            raise Refusal("sandbox.unsupported_syntax", what="async comprehensions")
        first = self.iterate(self.eval(generators[0].iter))
        outer = self.scope
        self.scope = Scope(parent=self.enclosing_scope(outer), kind="comprehension")
        try:
            self._comprehension_level(generators, 0, produce, first)
        finally:
            self.scope = outer

    def enclosing_scope(self, scope: Scope) -> Scope:
        """The scope a nested function or comprehension sees: never a class body's."""
        while scope.kind == "class":
            scope = scope.parent
        return scope

    def _comprehension_level(self, generators, index: int, produce, source=None) -> None:
        clause = generators[index]
        iterator = source if index == 0 else self.iterate(self.eval(clause.iter))
        for item in iterator:
            self.budget.tick()
            self.assign(clause.target, item)
            if all(self.truth(self.eval(cond)) for cond in clause.ifs):
                if index + 1 < len(generators):
                    self._comprehension_level(generators, index + 1, produce)
                else:
                    produce()

    def _eval_listcomp(self, node):
        items = []

        def produce():
            items.append(self.eval(node.elt))
            self.budget.check_sequence(len(items))

        self._comprehension(node.generators, produce)
        return items

    def _eval_setcomp(self, node: ast.SetComp):
        items = set()

        def produce():
            items.add(self.eval(node.elt))
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
        return self.make_function(node)

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
        if isinstance(value, SandboxCallable | Namespace | TypeDisplay | ClassMethod | Property | SuperProxy):
            value = repr(value)
        text = format(value, spec)
        self.budget.charge_sequence(len(text))
        return text

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
        if isinstance(left, (set, frozenset)) and isinstance(right, (set, frozenset)):
            self.budget.charge_sequence(len(left) + len(right))
        if self.is_array(left) or self.is_array(right):
            self.check_estimate("__matmul__" if op is ast.MatMult else "binary", (left, right), {})
            self.budget.tick()
        elif _opaque(left) or _opaque(right):
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
        if isinstance(func, BoundMethod):
            return self.invoke(func.func, (func.owner, *args), kwargs)
        if kwargs and not isinstance(func, (UserClass, SandboxObject, StaticMethod, GradModeFunction)):
            for key in kwargs:  # the engine's and Python's own functions take no private keywords
                if key.startswith("_"):
                    raise Refusal("sandbox.private_name", name=key)
        if isinstance(func, BuiltinFunction):
            self.budget.tick()
            if func.name in _ONE_ARGUMENT_BUILTINS and (len(args) != 1 or kwargs):
                if kwargs:
                    raise TypeError(f"{func.name}() takes no keyword arguments")
                raise TypeError(f"{func.name}() takes exactly one argument ({len(args)} given)")
            return func.impl(*args, **kwargs)
        if isinstance(func, EngineFunction):
            if func.kind == "python":
                return self.call_python_method(func, args, kwargs)
            if func.kind == "native":
                self.budget.tick()
                return func.fn(*args, **kwargs)
            if func.name in allow_lists.BACKWARD_HOOKS:
                self.hooked = True
            if func.name in _CHECKED_CALLS and func.kind == "engine":
                _CHECKED_CALLS[func.name](self, args, kwargs)
            return self.call_engine(func.fn, func.sizing, args, kwargs, func.owner, func.kind)
        if isinstance(func, ClassRef):
            if not func.constructible:
                raise Refusal("sandbox.builtin_refused", name=func.display)
            if func.kind == "exception":
                self.budget.tick()
                return func.cls(*args, **kwargs)
            if func.name in _CHECKED_CALLS and func.kind == "engine":
                _CHECKED_CALLS[func.name](self, args, kwargs)
            return self.call_engine(func.cls, func.name, args, kwargs, None, func.kind)
        if isinstance(func, UserClass):
            return self.instantiate(func, args, kwargs)
        if isinstance(func, StaticMethod):
            return self.invoke(func.func, args, kwargs)
        if isinstance(func, GradModeFunction):
            return self.call_grad_mode(func, args, kwargs)
        if isinstance(func, SandboxObject):
            return self.call_instance(func, args, kwargs)
        if isinstance(func, self.module_type):
            # an nn layer, loss or container built by the program: calling it runs its forward
            return self.call_engine(func, "module_call", args, kwargs, None, "engine")
        if isinstance(func, PLAIN_SCALARS):
            raise TypeError(f"'{type(func).__name__}' object is not callable")
        raise Refusal("sandbox.not_callable", kind="TypeError", what=self.kind_name(func))

    def callable_name(self, func) -> str:
        for attribute in ("qualname", "name"):
            value = getattr(func, attribute, None)
            if isinstance(value, str):
                return value
        return self.kind_name(func)

    def call_user(self, func: UserFunction, args: tuple, kwargs: dict):
        self.budget.tick()
        if self.depth >= self.limits.call_depth:
            raise LimitExceeded("limit.call_depth", limit=self.limits.call_depth)
        scope = Scope(parent=func.scope, kind="function", declared=func.declared)
        self.bind_arguments(func, args, kwargs, scope.vars)
        if func.is_generator:
            return self.generator_for(func, scope)
        outer_scope, outer_line = self.scope, self.line
        self.scope = scope
        self.depth += 1
        self.frames.append((func, scope))
        try:
            if isinstance(func.node, ast.Lambda):
                return self.eval(func.node.body)
            try:
                self.exec_block(func.node.body)
            except _Return as ret:
                return ret.value
            return None
        finally:
            self.frames.pop()
            self.depth -= 1
            self.scope = outer_scope
            self.line = outer_line

    def bind_arguments(self, func: UserFunction, args: tuple, kwargs: dict, bound: dict) -> None:
        """Python's own binding of a call's arguments to the parameters, with its messages."""
        params = func.positional
        n = len(params)
        if len(args) > n and func.vararg is None:
            given_kw = sum(1 for k in kwargs if k in func.keyword_only)
            raise self._arguments_error(func, _too_many(func, len(args), given_kw))
        bound.update(zip(params, args))
        if func.vararg is not None:
            bound[func.vararg] = tuple(args[n:])
        extra = {}
        as_keyword = []
        for key, value in kwargs.items():
            if key in params and key not in func.posonly:
                if key in bound:
                    raise self._arguments_error(func, f"got multiple values for argument '{key}'")
                bound[key] = value
            elif key in func.keyword_only:
                bound[key] = value
            elif func.kwarg is not None:
                extra[key] = value
            elif key in func.posonly:
                as_keyword.append(key)
            else:
                raise self._arguments_error(func, f"got an unexpected keyword argument '{key}'")
        if as_keyword:
            names = ", ".join(as_keyword)
            raise self._arguments_error(func, f"got some positional-only arguments passed as keyword arguments: "
                                              f"'{names}'")
        if func.kwarg is not None:
            bound[func.kwarg] = extra
        defaults = func.defaults
        missing = [p for p in params if p not in bound and p not in defaults]
        if missing:
            raise self._arguments_error(func, _missing(missing, "positional"))
        missing = [p for p in func.keyword_only if p not in bound and p not in defaults]
        if missing:
            raise self._arguments_error(func, _missing(missing, "keyword-only"))
        for name in params + func.keyword_only:
            if name not in bound:
                bound[name] = defaults[name]

    def _arguments_error(self, func, detail: str) -> Refusal:
        return Refusal("sandbox.call_arguments", kind="TypeError", name=func.qualname, detail=detail)

    def call_grad_mode(self, func: GradModeFunction, args: tuple, kwargs: dict):
        self.budget.tick()
        manager = func.manager.clone()
        type(manager).__enter__(manager)
        try:
            return self.invoke(func.func, args, kwargs)
        finally:
            type(manager).__exit__(manager, None, None, None)

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
            self.budget.check_matmul(estimate.macs, decomposition=estimate.decomposition)

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
            self.budget.charge_sequence(int(np.prod(owner.shape, dtype=object)))
        result = fn(*args, **kwargs)
        self.account(result)
        # one engine call can take long (a big matrix product): read the clock after each, not every 256 ticks
        self.budget.check_clock()
        return result

    def _check_numpy_dtypes(self, args: tuple, kwargs: dict) -> None:
        """A `dtype=` argument, or a positional one numpy would read as a dtype, must be a plain numeric dtype.
        A positional string numpy cannot read as a dtype is some other option (`norm(A, "nuc")`), and a memory
        order ("C", "F", ...) is one, though "F" also names a dtype."""
        candidates = [kwargs.get("dtype")]
        candidates += [a for a in args
                       if isinstance(a, (type, np.dtype)) or (isinstance(a, str) and _reads_as_dtype(a))]
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
        """str/list/dict/set methods and the run's `random`, with the checks that keep them small."""
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
            elif name in _STR_SPLITTERS:
                # the pieces hold the string's characters again (and a list slot each)
                result = func.fn(*args, **kwargs)
                limit(len(owner) + len(result))
                return result
        elif isinstance(owner, list):
            # what a call makes: one item for an append (the list's own size only against the per-object limit),
            # the new items for an extend, the whole list for a copy
            if name in {"append", "insert"}:
                self.budget.check_sequence(len(owner) + 1)
                limit(1)
            elif name == "extend" and args:
                items = self.materialize(args[0])
                self.budget.check_sequence(len(owner) + len(items))
                limit(len(items))
                args = (items,)
            elif name == "copy":
                limit(len(owner))
        elif isinstance(owner, dict) and name == "update":
            before = len(owner)
            result = func.fn(*args, **kwargs)
            self.budget.check_sequence(len(owner))
            limit(max(len(owner) - before, 0))
            return result
        elif isinstance(owner, dict) and name == "copy":
            limit(len(owner))
        elif isinstance(owner, (set, frozenset)):
            if name not in _SET_ELEMENT_METHODS:
                # the arguments are iterables Python would walk in C: walk them here, under the budgets, first
                args = tuple(a if isinstance(a, (set, frozenset)) else self.materialize(a) for a in args)
            if name == "add":
                self.budget.check_sequence(len(owner) + 1)
                limit(1)
            elif name in {"update", "symmetric_difference_update"}:
                self.budget.check_sequence(len(owner) + sum(len(a) for a in args))
                limit(sum(len(a) for a in args))
            elif name in {"union", "symmetric_difference", "copy"}:
                limit(len(owner) + sum(len(a) for a in args))
        elif isinstance(owner, random.Random):
            return self.call_random(func, args, kwargs)
        return func.fn(*args, **kwargs)

    def call_random(self, func: EngineFunction, args: tuple, kwargs: dict):
        """The run's own `random` (seeded at its start): sizes checked before Python builds anything."""
        name = func.name
        if name == "seed":
            value = args[0] if args else kwargs.get("a")
            if value is None:
                value = RUN_SEED  # an unseeded generator would make the run irreproducible
            if not isinstance(value, (int, float, str)):
                raise TypeError("The only supported seed types are: None, int, float, str, bytes, and bytearray.")
            return self.random.seed(value)
        if name in {"sample", "choices"}:
            k = kwargs.get("k", args[1] if len(args) > 1 and name == "sample" else 1)
            if _is_int(k):
                self.budget.charge_sequence(max(k, 0))
        if name == "shuffle" and args and isinstance(args[0], list):
            self.budget.tick(len(args[0]) // 64)
        if name == "getrandbits" and args and _is_int(args[0]):
            self.budget.check_int_bits(args[0])
        if name in {"randrange", "randint"}:
            for value in args:
                if _is_int(value):
                    self.budget.check_int_bits(value.bit_length())
        population = args[0] if args and name in {"sample", "choices", "choice"} else None
        if population is not None and not isinstance(population, (list, tuple, str, range)):
            args = (self.materialize(population), *args[1:])
        return func.fn(*args, **kwargs)

    # ------------------------------------------------------------------------------------------------------
    # attributes and items

    def is_array(self, value) -> bool:
        return isinstance(value, (self.tensor_type, np.ndarray))

    def is_engine_object(self, value) -> bool:
        """An object the engine made (a tensor, a node, a layer, an optimizer, a dtype, ...): its class is the
        engine's (named as PyTorch names it) and not one of the program's own."""
        if isinstance(value, SandboxObject):
            return False
        if isinstance(value, self.node_type):
            return True
        module = type(value).__module__ or ""
        return any(module == root or module.startswith(root + ".") for root in (self.engine_root, "torch"))

    def is_context_manager(self, value) -> bool:
        if isinstance(value, SandboxObject):
            cls = self.class_of(value)
            return self.class_lookup(cls, "__enter__") is not None and self.class_lookup(cls, "__exit__") is not None
        return self.is_engine_object(value) and type(value).__name__ in allow_lists.CONTEXT_MANAGER_CLASSES

    def kind_name(self, value) -> str:
        if isinstance(value, SandboxObject):
            return self.class_of(value).name
        if isinstance(value, self.tensor_type):
            return "Tensor"
        return type(value).__name__

    def get_attribute(self, obj, name: str):
        if not name.isascii():
            name = normalized(name)
        if isinstance(obj, SandboxObject):
            return self.instance_attribute(obj, name)
        if isinstance(obj, UserClass):
            return self.class_attribute(obj, name)
        if isinstance(obj, SuperProxy):
            return self.super_attribute(obj, name)
        if name.startswith("__"):
            return self._dunder_attribute(obj, name)
        if name.startswith("_"):
            if name == "_version" and isinstance(obj, self.tensor_type):
                return obj._version
            if name.startswith("_saved_") and isinstance(obj, self.node_type):
                return self._saved_attribute(obj, name)
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
        if isinstance(obj, (set, frozenset)):
            methods = allow_lists.SET_METHODS if isinstance(obj, set) else allow_lists.FROZENSET_METHODS
            return self._allowed(obj, name, frozenset(), methods, "python")
        if isinstance(obj, range):
            methods = {"index", "count"}
            return self._allowed(obj, name, allow_lists.RANGE_ATTRIBUTES - methods, methods, "python")
        if isinstance(obj, float):
            return self._allowed(obj, name, frozenset(), allow_lists.FLOAT_METHODS, "python")
        if isinstance(obj, int) and not isinstance(obj, bool):
            return self._allowed(obj, name, allow_lists.INT_PROPERTIES, allow_lists.INT_METHODS, "python")
        if isinstance(obj, BaseException):
            return self._allowed(obj, name, allow_lists.EXCEPTION_ATTRIBUTES, frozenset(), "python")
        if isinstance(obj, SandboxGenerator):
            return self.generator_attribute(obj, name)
        if isinstance(obj, Property):
            return self.property_attribute(obj, name)
        if isinstance(obj, random.Random):
            return self._allowed(obj, name, frozenset(), allow_lists.RANDOM_FUNCTIONS, "python")
        if isinstance(obj, ClassRef) and obj.cls is self.tensor_type and name in allow_lists.TENSOR_METHODS:
            # torch.Tensor.tanh(x): the method, called with its tensor first
            return EngineFunction(self, getattr(self.tensor_type, name), name, "engine")
        if self.is_engine_object(obj):
            return self._engine_object_attribute(obj, name)
        if isinstance(obj, tuple):
            return self._allowed(obj, name, frozenset(), allow_lists.TUPLE_METHODS, "python")
        if isinstance(obj, (SandboxCallable, TypeDisplay, ClassMethod, bool, type(None))):
            raise Refusal("sandbox.attribute_missing", kind="AttributeError",
                          owner=f"'{self.kind_name(obj)}' object", attr=name)
        raise Refusal("sandbox.attribute_refused", owner=self.kind_name(obj), attr=name)

    def _dunder_attribute(self, obj, name: str):
        """The few dunder attributes a program reads on values that are not its own objects: names of
        functions and classes, `torch.__version__`, the class of an exception, `Base.__init__(self, ...)`."""
        if name not in READABLE_DUNDERS:
            raise Refusal("sandbox.private_name", name=name)
        if name in ("__name__", "__qualname__"):
            if isinstance(obj, (UserFunction, GradModeFunction)):
                return obj.name if name == "__name__" else obj.qualname
            if isinstance(obj, BoundMethod):
                return self.get_attribute(obj.func, name)
            if isinstance(obj, StaticMethod):
                return self.get_attribute(obj.func, name)
            if isinstance(obj, (BuiltinFunction, EngineFunction)):
                return obj.name
            if isinstance(obj, ClassRef):
                return obj.cls.__name__ if name == "__name__" else obj.cls.__qualname__
            if isinstance(obj, TypeDisplay):
                return obj.name
            if isinstance(obj, SandboxGenerator):
                return obj.qualname.rpartition(".")[2]
        elif name == "__doc__":
            if isinstance(obj, (UserFunction, GradModeFunction, BoundMethod, StaticMethod)):
                inner = getattr(obj, "func", obj)
                return getattr(inner, "doc", None)
        elif name == "__module__":
            if isinstance(obj, (UserFunction, GradModeFunction)):
                return "__main__"
            if isinstance(obj, ClassRef):
                return obj.display.rpartition(".")[0] or "builtins"
            if isinstance(obj, TypeDisplay):
                return obj.display.rpartition(".")[0] or "builtins"
        elif name == "__class__":
            if isinstance(obj, BaseException):
                return self.type_of(obj)
        elif name == "__version__":
            if isinstance(obj, Namespace) and obj.path == "torch":
                return self.engine.__version__
        elif name == "__init__" and isinstance(obj, ClassRef) and issubclass(obj.cls, (self.module_type,
                                                                                         BaseException)):
            return self.unbound_initializer(obj.cls)
        if isinstance(obj, (SandboxCallable, TypeDisplay, Namespace)) or obj is None:
            raise Refusal("sandbox.attribute_missing", kind="AttributeError",
                          owner=f"'{self.kind_name(obj)}' object", attr=name)
        raise Refusal("sandbox.private_name", name=name)

    def _saved_attribute(self, node, name: str):
        try:
            return getattr(node, name)
        except AttributeError:
            raise Refusal("sandbox.attribute_missing", kind="AttributeError",
                          owner=f"'{self.kind_name(node)}' object", attr=name) from None

    def _engine_object_attribute(self, obj, name: str):
        cls_name = type(obj).__name__
        if isinstance(obj, self.node_type):
            allowed = allow_lists.NODE_NAMES
            if self._is_function_node(obj):
                allowed = allowed | allow_lists.FUNCTION_NODE_NAMES
        elif isinstance(obj, tuple) and getattr(type(obj), "_fields", None) == ("values", "indices"):
            allowed = allow_lists.RETURN_TYPE_NAMES
        elif isinstance(obj, tuple):
            allowed = allow_lists.SIZE_NAMES | allow_lists.TUPLE_METHODS
        elif cls_name == "dtype":
            allowed = allow_lists.DTYPE_NAMES
        elif cls_name == "device":
            allowed = allow_lists.DEVICE_NAMES
        elif hasattr(obj, "param_groups"):
            allowed = allow_lists.OPTIMIZER_NAMES
        elif isinstance(obj, self.module_type):
            allowed = allow_lists.MODULE_NAMES
            if name not in allowed and not hasattr(type(obj), name) and name in vars(obj):
                return getattr(obj, name)  # a layer's settings (in_features, p, ...)
        elif cls_name == "FunctionCtx":
            return self.ctx_attribute(obj, name)
        elif hasattr(obj, "remove") and "Handle" in cls_name:
            allowed = allow_lists.HANDLE_NAMES
        elif cls_name == "_IncompatibleKeys":
            allowed = allow_lists.INCOMPATIBLE_KEYS_NAMES
        elif cls_name == "Generator":
            allowed = allow_lists.GENERATOR_NAMES
        elif self._is_data_object(obj):
            allowed = allow_lists.DATA_OBJECT_NAMES
        else:
            allowed = frozenset()
        return self._allowed(obj, name, allowed, allowed, "engine")

    def _is_data_object(self, obj) -> bool:
        data = getattr(getattr(self.engine, "utils", None), "data", None)
        return data is not None and isinstance(obj, (data.Dataset, data.DataLoader))

    def _is_function_node(self, node) -> bool:
        return type(node).__module__ == "torch.autograd.function"

    def ctx_attribute(self, ctx, name: str):
        """A custom Function's ctx: its methods, and what the program's forward stored on it."""
        if name in self.ctx_attrs.get(ctx, ()):
            return vars(ctx)[name]
        allowed = allow_lists.CTX_NAMES
        return self._allowed(ctx, name, allowed, allowed, "engine")

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

    def delete_attribute(self, obj, name: str) -> None:
        """`del obj.name`: on the program's own objects only (explorer/sandbox/classes.py)."""
        if not name.isascii():
            name = normalized(name)
        if name.startswith("__"):
            raise Refusal("sandbox.private_name", name=name)
        if isinstance(obj, SandboxObject):
            return self.delete_instance_attribute(obj, name)
        if isinstance(obj, PLAIN_SCALARS):
            raise _scalar_attribute_error(obj, name)
        raise Refusal("sandbox.unsupported_syntax", what=f"'del' on the attributes of {self.kind_name(obj)}")

    def set_attribute(self, obj, name: str, value) -> None:
        if not name.isascii():
            name = normalized(name)
        if name.startswith("__"):
            raise Refusal("sandbox.private_name", name=name)
        if isinstance(obj, SandboxObject):
            return self.set_instance_attribute(obj, name, value)
        if isinstance(obj, UserClass):
            return self.set_class_attribute(obj, name, value)
        if name.startswith("_"):
            raise Refusal("sandbox.private_name", name=name)
        if isinstance(obj, Namespace):
            raise Refusal("sandbox.module_readonly", attr=name)
        if isinstance(obj, self.tensor_type) and name in allow_lists.TENSOR_SETTABLE:
            self.budget.tick()
            setattr(obj, name, self.unwrap(value))
            return
        if self.is_engine_object(obj) and type(obj).__name__ == "FunctionCtx":
            return self.set_ctx_attribute(obj, name, value)
        if isinstance(obj, PLAIN_SCALARS):
            raise _scalar_attribute_error(obj, name)
        if isinstance(obj, self.module_type) and not hasattr(type(obj), name):
            self.budget.tick()
            type(obj).__setattr__(obj, name, value)  # a layer's parameter or setting, registered as PyTorch does
            return
        raise Refusal("sandbox.attribute_readonly", owner=self.kind_name(obj), attr=name)

    def set_ctx_attribute(self, ctx, name: str, value) -> None:
        """`ctx.scale = scale` in a custom Function's forward: new names only (never the ctx's own)."""
        names = self.ctx_attrs.setdefault(ctx, set())
        if name not in names and hasattr(ctx, name):
            raise Refusal("sandbox.attribute_readonly", owner=self.kind_name(ctx), attr=name)
        self.budget.tick()
        names.add(name)
        object.__setattr__(ctx, name, value)

    def get_item(self, container, index):
        if self.is_array(container):
            self.check_estimate("__getitem__", (index,), {}, owner=container)
            result = container[index]
            self.account(result)
            return result
        if isinstance(container, (list, tuple, str, dict, range, SandboxObject)):
            result = container[index]
            if isinstance(index, slice) and isinstance(result, (list, tuple, str)):
                self.budget.charge_sequence(len(result))  # a slice is a copy: l[:] of a long list is not free
            return result
        if (isinstance(container, self.module_type) or self._is_data_object(container)) and \
                hasattr(type(container), "__getitem__"):
            self.budget.tick()
            return container[index]  # nn.Sequential / ModuleList: a layer, or a slice of them; a dataset's sample
        if isinstance(container, PLAIN_SCALARS):
            raise TypeError(f"'{type(container).__name__}' object is not subscriptable")
        raise Refusal("sandbox.attribute_refused", owner=self.kind_name(container), attr="[]")

    def set_item(self, container, index, value) -> None:
        if self.is_array(container):
            self.budget.tick()
            container[index] = self.unwrap(value)
            self.account(None)
            return
        if isinstance(container, (list, dict, SandboxObject)):
            container[index] = value
            if isinstance(container, dict):
                self.budget.check_sequence(len(container))
            return
        raise TypeError(f"'{self.kind_name(container)}' object does not support item assignment")

    # ------------------------------------------------------------------------------------------------------
    # iteration and text

    def iterate(self, value):
        if isinstance(value, (SandboxCallable, Namespace, TypeDisplay, ClassMethod, Property, SuperProxy)):
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
        if isinstance(value, (range, str, dict, set, frozenset)):
            self.budget.charge_sequence(len(value))
            return list(value)
        if getattr(value, "ndim", 0) and hasattr(value, "shape"):  # a tensor or an array: one item per row
            self.budget.check_sequence(value.shape[0])  # refused before the first row is made
        items = []
        for item in self.iterate(value):
            items.append(item)
            if len(items) % 1024 == 0:
                self.budget.check_sequence(len(items))
                self.budget.tick()
        self.budget.charge_sequence(len(items))
        return items

    def writes_own_repr(self, value) -> bool:
        """True for an object of the program's classes whose __repr__ is the program's: shown as it writes
        itself even when that reads like Python's default one."""
        if not isinstance(value, SandboxObject):
            return False
        cls = self.user_classes.get(type(value))
        return cls is not None and self.class_lookup(cls, "__repr__") is not None

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

    def show_warning(self, message, category, filename=None, lineno=None, file=None, line=None) -> None:
        """`warnings.showwarning` while the program runs: a warning becomes an output entry where it happened,
        as a notebook shows it (`UserWarning: ...`), once per line of the program, as Python's default filter
        shows a warning once per place."""
        name = getattr(category, "__name__", "Warning")
        text = f"{name}: {message}"
        key = (name, str(message), self.line)
        if key in self.warned:
            return
        self.warned.add(key)
        self.emit("warning", text, self.line)

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

    def class_ref(self, cls: type, name: str, constructible: bool, kind: str, display: str | None = None) -> ClassRef:
        """The one stand-in of a class (so that `type(x) is torch.Tensor` holds)."""
        ref = self._class_refs.get(cls)
        if ref is None:
            ref = ClassRef(self, cls, name, display or _display_name(cls, self.engine_root), constructible, kind)
            self._class_refs[cls] = ref
        return ref

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
                entries[name] = self.class_ref(value, name, name not in allow_lists.NOT_CONSTRUCTIBLE, "engine")
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
                entries[name] = self.class_ref(cls, name, True, "numpy", display=f"numpy.{cls.__name__}")
            entries["ndarray"] = self.class_ref(np.ndarray, "ndarray", False, "numpy", display="numpy.ndarray")
            entries["random"] = self.namespace("numpy.random")
            entries["linalg"] = self.namespace("numpy.linalg")
            real = {n for n in dir(np) if not n.startswith("_")}
            return Namespace(path, "numpy", entries, real)
        if path == "numpy.random":
            # the run's own generator, seeded at its start: runs are reproducible and never share a state
            for name in allow_lists.NUMPY_RANDOM_FUNCTIONS:
                entries[name] = EngineFunction(self, getattr(self.np_random, name), name, "numpy",
                                               sizing=_NUMPY_RANDOM_SIZING.get(name, name))
            return Namespace(path, path, entries, {n for n in dir(np.random) if not n.startswith("_")})
        if path == "numpy.linalg":
            for name in allow_lists.NUMPY_LINALG_FUNCTIONS:
                entries[name] = EngineFunction(self, getattr(np.linalg, name), name, "numpy", sizing=f"np_{name}")
            return Namespace(path, path, entries, {n for n in dir(np.linalg) if not n.startswith("_")})
        if path == "random":
            for name in allow_lists.RANDOM_FUNCTIONS:
                entries[name] = EngineFunction(self, getattr(self.random, name), name, "python", owner=self.random)
            return Namespace(path, "random", entries, {n for n in dir(random) if not n.startswith("_")})
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
            # Python names a function in its messages ("print() got an unexpected keyword argument 'x'")
            if isinstance(impl, types.FunctionType):
                impl.__name__ = impl.__qualname__ = name
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
            if isinstance(value, (SandboxCallable, Namespace, TypeDisplay)):
                raise TypeError(f"object of type '{self.kind_name(value)}' has no len()")
            return len(value)

        def _list(value=()):
            return list(self.materialize(value))

        def _tuple(value=()):
            return tuple(self.materialize(value))

        def _set(value=()):
            return set(self.materialize(value))

        def _frozenset(value=()):
            return frozenset(self.materialize(value))

        def _dict(*args, **kwargs):
            result = dict(self.materialize(args[0]) if args and not isinstance(args[0], dict) else
                          (args[0] if args else {}), **kwargs)
            self.budget.check_sequence(len(result))
            return result

        def _sum(iterable, start=0):
            total = start
            for item in self.iterate(iterable):
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
            return isinstance(value, self._classes_of(kinds, "isinstance"))

        def _issubclass(cls, kinds):
            real = self._classes_of(cls, "issubclass", single=True)[0]
            return issubclass(real, self._classes_of(kinds, "issubclass"))

        def _type(*args):
            if len(args) == 3:
                raise Refusal("sandbox.unsupported_syntax", what="type() with three arguments (making a class)")
            if len(args) != 1:
                raise TypeError("type() takes 1 or 3 arguments")
            return self.type_of(args[0])

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

        def _zip(*iterables, strict=False):
            return zip(*(self.iterate(it) for it in iterables), strict=strict)

        def _enumerate(iterable, start=0):
            return enumerate(self.iterate(iterable), start)

        def _reversed(seq):
            return list(reversed(self.materialize(seq)))

        def _any(iterable):
            for value in self.iterate(iterable):
                self.budget.tick()
                if self.truth(value):
                    return True
            return False

        def _all(iterable):
            for value in self.iterate(iterable):
                self.budget.tick()
                if not self.truth(value):
                    return False
            return True

        def _iter(value, *sentinel):
            if sentinel:
                if not isinstance(value, SandboxCallable):
                    raise TypeError("iter(v, w): v must be callable")
                return iter(value, sentinel[0])
            return self.iterate(value)

        def _next(iterator, *default):
            if not hasattr(type(iterator), "__next__") or isinstance(iterator, (SandboxCallable, TypeDisplay)):
                raise TypeError(f"'{self.kind_name(iterator)}' object is not an iterator")
            return next(iterator, *default)

        def _map(func, *iterables):
            if not iterables:
                raise TypeError("map() must have at least two arguments.")
            return map(func, *(self.iterate(it) for it in iterables))

        def _filter(func, iterable):
            return filter(func, self.iterate(iterable))

        def _getattr(obj, name, *default):
            if not isinstance(name, str):
                raise TypeError("attribute name must be string, not " f"'{self.kind_name(name)}'")
            self.check_runtime_name(name)
            try:
                return self.get_attribute(obj, name)
            except (Refusal, AttributeError) as exc:
                missing = isinstance(exc, AttributeError) or exc.kind == "AttributeError"
                if missing and default:
                    return default[0]
                raise

        def _hasattr(obj, name):
            try:
                _getattr(obj, name)
            except (Refusal, AttributeError) as exc:
                if isinstance(exc, AttributeError) or exc.kind == "AttributeError":
                    return False
                raise
            return True

        def _setattr(obj, name, value):
            if not isinstance(name, str):
                raise TypeError(f"attribute name must be string, not '{self.kind_name(name)}'")
            self.check_runtime_name(name)
            self.set_attribute(obj, name, value)

        def _callable(value):
            if isinstance(value, SandboxObject):
                return self.class_lookup(self.class_of(value), "__call__") is not None or \
                    isinstance(value, self.module_type)
            return isinstance(value, (SandboxCallable, self.module_type))

        def _id(value):
            return id(value)

        def _hash(value):
            return hash(value)

        def _divmod(a, b):
            return (self.binop(ast.FloorDiv, a, b), self.binop(ast.Mod, a, b))

        def _pow(base, exp, mod=None):
            if mod is None:
                return self.binop(ast.Pow, base, exp)
            return pow(base, exp, mod)

        def _chr(i):
            return chr(i)

        def _ord(c):
            return ord(c)

        add("print", _print)
        add("range", _range, range)
        add("len", _len)
        add("list", _list, list)
        add("tuple", _tuple, tuple)
        add("dict", _dict, dict)
        add("set", _set, set)
        add("frozenset", _frozenset, frozenset)
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
        add("issubclass", _issubclass)
        add("type", _type, type)
        add("zip", _zip)
        add("enumerate", _enumerate)
        add("any", _any)
        add("all", _all)
        add("iter", _iter)
        add("next", _next)
        add("map", _map)
        add("filter", _filter)
        add("getattr", _getattr)
        add("hasattr", _hasattr)
        add("setattr", _setattr)
        add("callable", _callable)
        add("id", _id)
        add("hash", _hash)
        add("divmod", _divmod)
        add("pow", _pow)
        add("chr", _chr)
        add("ord", _ord)
        add("object", lambda: object(), object)
        add("super", self.make_super)
        add("staticmethod", lambda func: StaticMethod(self, func), staticmethod)
        add("classmethod", lambda func: ClassMethod(self, func), classmethod)
        add("property", lambda fget=None, fset=None, fdel=None, doc=None: Property(self, fget, fset, doc), property)
        for cls in allow_lists.EXCEPTION_CLASSES:
            b[cls.__name__] = self.class_ref(cls, cls.__name__, True, "exception", display=cls.__name__)
        b["True"], b["False"], b["None"] = True, False, None
        b["NotImplemented"] = NotImplemented
        b["Ellipsis"] = Ellipsis
        return b

    def check_runtime_name(self, name: str) -> None:
        """A name given as a string (getattr, setattr, hasattr): the static rules, applied at run time."""
        plain = normalized(name)
        if plain.startswith("__") and plain not in READABLE_DUNDERS:
            raise Refusal("sandbox.private_name", name=plain)

    def _account_and_return(self, value):
        self.account(value)
        return value

    def type_of(self, value):
        """What `type(x)` gives: the program's own class, the stand-in of a class a module offers (the same
        object, so `type(x) is torch.Tensor`), a builtin type, or a TypeDisplay of anything else."""
        if isinstance(value, SandboxObject) and type(value) in self.user_classes:
            return self.user_classes[type(value)]
        cls = type(value)
        if cls in self._class_refs:
            return self._class_refs[cls]
        builtin = self.builtins.get(cls.__name__) if cls.__module__ == "builtins" else None
        if isinstance(builtin, BuiltinFunction) and builtin.pytype is cls:
            return builtin
        if isinstance(value, (UserClass, ClassRef)) or (isinstance(value, BuiltinFunction) and value.pytype):
            cls = type(value.real) if isinstance(value, UserClass) else type  # a class's type: its metaclass
            if cls is type:
                return self.builtins["type"]
        display = self._type_displays.get(cls)
        if display is None:
            if isinstance(value, (BuiltinFunction, EngineFunction)):
                name = "builtin_function_or_method"
            else:
                name = _display_name(cls, self.engine_root)
            display = TypeDisplay(cls, name)
            self._type_displays[cls] = display
        return display

    def _classes_of(self, kinds, who: str, single: bool = False) -> tuple:
        items = kinds if isinstance(kinds, tuple) and not single else (kinds,)
        classes = []
        for kind in items:
            if isinstance(kind, BuiltinFunction) and kind.pytype is not None:
                classes.append(kind.pytype)
            elif isinstance(kind, ClassRef | TypeDisplay):
                classes.append(kind.cls)
            elif isinstance(kind, UserClass):
                classes.append(kind.real)
            elif isinstance(kind, tuple) and not single:
                classes.extend(self._classes_of(kind, who))
            elif single:
                raise TypeError(f"{who}() arg 1 must be a class")
            else:
                raise TypeError(f"{who}() arg 2 must be a type, a tuple of types, or a union")
        return tuple(classes)


_MISSING = object()
# Python's builtins of one argument, with their own message for any other number
_ONE_ARGUMENT_BUILTINS = frozenset({"len", "abs", "repr", "id", "hash", "callable", "chr", "ord"})
def _reads_as_dtype(text: str) -> bool:
    if text in ("C", "F", "A", "K") or len(text) > 32:
        return False
    try:
        np.dtype(text)
    except (TypeError, ValueError, SyntaxError):
        return False
    return True


_STR_SPLITTERS = frozenset({"split", "rsplit", "splitlines", "partition", "rpartition"})

_SET_ELEMENT_METHODS = frozenset({"add", "discard", "remove", "pop", "clear", "copy"})

# refusals of program_check that are budgets rather than unsupported Python
LIMIT_CHECKS = frozenset({"sandbox.source_too_long", "sandbox.too_deep", "sandbox.too_many_nodes"})

_OP_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
               ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
               ast.BitAnd: "&", ast.BitXor: "^"}

_NUMPY_RANDOM_SIZING = {"rand": "rand", "randn": "randn", "random": "np_size0", "uniform": "np_size2",
                        "normal": "np_size2", "randint": "np_size2", "choice": "np_choice",
                        "permutation": "np_perm", "seed": "none"}


def _check_print_options(interp, args: tuple, kwargs: dict) -> None:
    """torch.set_printoptions within the sizes lessons use (a precision of a million would make each printed
    number a megabyte before the output budget could see it)."""
    names = ("precision", "threshold", "edgeitems", "linewidth")
    given = dict(zip(names, args)) | {k: v for k, v in kwargs.items() if k in names}
    for name, limit in allow_lists.PRINT_OPTION_LIMITS.items():
        value = given.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit:
            raise Refusal("sandbox.format_spec_width", limit=limit)


def _check_dataset(interp, args: tuple, kwargs: dict) -> None:
    """DataLoader and random_split list a dataset's indices in one go, in the engine: its length (and a
    sampler's) must be one the budgets allow."""
    for value in (args[0] if args else kwargs.get("dataset"), kwargs.get("sampler")):
        if value is not None and hasattr(type(value), "__len__"):
            size = len(value)
            interp.budget.check_sequence(size if isinstance(size, int) else 0)


_CHECKED_CALLS = {"set_printoptions": _check_print_options, "DataLoader": _check_dataset,
                  "random_split": _check_dataset}


def _opaque(value) -> bool:
    """Values Python's operators must not be handed (they would answer with our own names)."""
    return isinstance(value, (SandboxCallable, Namespace, ClassMethod, Property, SuperProxy)) and \
        not isinstance(value, SandboxObject)


def _display_name(cls: type, engine_root: str) -> str:
    """How Python prints a class: `torch.Tensor`, `torch.nn.parameter.Parameter`, `MulBackward0`, `int`."""
    module = cls.__module__ or ""
    if module == "builtins" or module.startswith("explorer."):
        return cls.__name__  # the interpreter's stand-ins carry the names of the Python types they stand for
    if module == engine_root or module.startswith(engine_root + "."):
        module = "torch" + module[len(engine_root):]
    return f"{module}.{cls.__name__}"


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


def _dotted_name(node) -> list[str] | None:
    """["model", "fc1", "weight"] for `model.fc1.weight`, ["w"] for `w`; None for any other expression."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _docstring(body: list) -> str | None:
    return body[0].value.value if body and _is_docstring(body[0]) else None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _own_nodes(body: list):
    """Every node of a function's body that belongs to it. A function or class nested in it is yielded (its name
    is the function's), with its decorators, defaults and bases but not its body; a comprehension with its first
    iterable only (the rest runs in the comprehension's own scope)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(d for d in (*node.args.defaults, *node.args.kw_defaults) if d is not None)
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.decorator_list)
            stack.extend(node.bases)
        elif not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _scalar_attribute_error(obj, name: str) -> AttributeError:
    """What Python says when a program sets or deletes an attribute of a number, a string or None."""
    kind = type(obj).__name__
    if hasattr(type(obj), name):
        return AttributeError(f"attribute '{name}' of '{kind}' objects is not writable")
    return AttributeError(f"'{kind}' object has no attribute '{name}'")


def _names_bound_by(node) -> tuple:
    """The names one node binds in the function it belongs to: assigned, deleted, looped over, imported,
    defined, caught."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
        return (node.id,)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return tuple(alias.asname or alias.name.split(".")[0] for alias in node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return (node.name,)
    return ()


def _yielding_statements(body: list) -> set:
    """Ids of the statements (at any depth of blocks) that contain one of the function's own yields."""
    found = set()

    def visit(stmts) -> bool:
        any_yield = False
        for stmt in stmts:
            if isinstance(stmt, _SCOPES):
                continue
            here = False
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    here |= visit(block)
            for handler in getattr(stmt, "handlers", ()) or ():
                if visit(handler.body):
                    here = True
            value = getattr(stmt, "value", None)
            if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(value, (ast.Yield,
                                                                                               ast.YieldFrom)):
                here = True
            if here:
                found.add(id(stmt))
                any_yield = True
        return any_yield

    visit(body)
    return found


def _too_many(func, given: int, given_kw: int) -> str:
    required = sum(1 for p in func.positional if p not in func.defaults)
    total = len(func.positional)
    if required == total:
        takes = f"{total} positional argument{'s' if total != 1 else ''}"
    else:
        takes = f"from {required} to {total} positional arguments"
    was = "was" if given == 1 else "were"
    if given_kw:
        extra = f" (and {given_kw} keyword-only argument{'s' if given_kw != 1 else ''})"
        return f"takes {takes} but {given} positional argument{'s' if given != 1 else ''}{extra} were given"
    return f"takes {takes} but {given} {was} given"


def _missing(names: list, kind: str) -> str:
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = f"{quoted[0]} and {quoted[1]}"
    else:
        listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    plural = "s" if len(names) != 1 else ""
    return f"missing {len(names)} required {kind} argument{plural}: {listed}"

