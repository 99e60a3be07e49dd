"""Parse a program and check, before anything runs, that it only uses the Python the explorer interprets.

Refusals here are static: a program that uses `async`, `match` or a metaclass is refused as a whole, with the
line of the offending construct, before its first line runs. Names are checked after NFKC normalisation
(which is what Python itself does to identifiers), so full-width or other look-alike letters cannot hide a
dunder name. Single-underscore names (`_`, `self._cache`) pass here: the interpreter decides at run time,
per object, what they may reach. Dunder names pass only where lessons use them (`__name__`, the special
methods a class defines, `super().__init__`); Python's symbol-table errors (`nonlocal` without a binding, a
name used before its `global`) are found here too, with Python's messages.
"""

from __future__ import annotations
import __future__

import ast
import symtable
import unicodedata

from explorer.sandbox.limits import Limits

# the statements and expressions the interpreter knows; everything else is refused with its own name
ALLOWED_NODES = (
    ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.If, ast.For, ast.While, ast.Break,
    ast.Continue, ast.Pass, ast.With, ast.withitem, ast.FunctionDef, ast.Return, ast.Import, ast.ImportFrom,
    ast.alias, ast.Assert, ast.Delete, ast.ClassDef, ast.Try, ast.ExceptHandler, ast.Raise, ast.Global,
    ast.Nonlocal,
    ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Slice, ast.Call, ast.keyword, ast.Starred,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.List, ast.Tuple, ast.Dict, ast.Set,
    ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.comprehension, ast.Lambda, ast.arguments,
    ast.arg, ast.JoinedStr, ast.FormattedValue, ast.Yield, ast.YieldFrom,
    ast.Load, ast.Store, ast.Del,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context,
)

# what users see when they write one of the refused constructs
REFUSED_NAMES = {
    ast.AsyncFunctionDef: "'async def'",
    ast.AsyncFor: "'async for'",
    ast.AsyncWith: "'async with'",
    ast.Await: "'await'",
    ast.NamedExpr: "':=' (assignment expressions)",
    ast.Match: "'match'",
}
if hasattr(ast, "TryStar"):
    REFUSED_NAMES[ast.TryStar] = "'except*'"

def _words(text: str) -> list[str]:
    return text.split()


# the special methods a program's own class may define: Python calls them for the program's operators,
# len(), str(), iteration, indexing and calls. The rest (__getattr__, __setattr__, __getattribute__, __new__,
# __init_subclass__, __get__, __set__, __del__, __reduce__, __class_getitem__, __format__, ...) change how
# Python itself looks things up, and are refused.
USER_DUNDERS = frozenset(_words("""
__init__ __call__ __repr__ __str__ __len__ __getitem__ __setitem__ __delitem__ __contains__ __iter__ __next__
__bool__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __hash__ __enter__ __exit__
__add__ __radd__ __iadd__ __sub__ __rsub__ __isub__ __mul__ __rmul__ __imul__ __truediv__ __rtruediv__
__itruediv__ __floordiv__ __rfloordiv__ __ifloordiv__ __mod__ __rmod__ __imod__ __pow__ __rpow__ __ipow__
__matmul__ __rmatmul__ __imatmul__ __neg__ __pos__ __abs__ __float__ __int__ __index__
"""))

# dunder attributes a program may read: names and docs of its own classes and functions, the class of its
# own objects, torch.__version__, and the special methods above (self.__len__(), super().__init__(...)).
# Which object may answer which is decided at run time; writing any dunder attribute is refused.
READABLE_DUNDERS = USER_DUNDERS | {"__name__", "__qualname__", "__module__", "__doc__", "__class__",
                                   "__version__"}
# the only dunder name a program may use as a variable: `if __name__ == "__main__":`
DUNDER_NAMES = frozenset({"__name__"})

FUTURE_FEATURES = frozenset(__future__.all_feature_names)


class CheckFailure(Exception):
    """A refusal found before running: catalogue key, params, and the node it is about."""

    def __init__(self, key: str, node: ast.AST | None, **params):
        super().__init__(key)
        self.key = key
        self.node = node
        self.params = params


def normalized(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _check_name(name: str, node: ast.AST, allowed: frozenset = frozenset()) -> None:
    """Refuse a double-underscore name unless `allowed` lists it (single underscores are decided at run time)."""
    plain = normalized(name)
    if plain.startswith("__") and plain not in allowed:
        raise CheckFailure("sandbox.private_name", node, name=plain)


def _check_import_name(name: str, node: ast.AST) -> None:
    plain = normalized(name)
    if plain.startswith("_"):  # torch._C and friends: the engine's private modules
        raise CheckFailure("sandbox.private_name", node, name=plain)


# where a node sits: what `return`, `yield`, `break` and a dunder method name may do there
FUNCTION, LAMBDA, CLASS_BODY, COMPREHENSION = "function", "lambda", "class", "comprehension"
COMPREHENSIONS = {ast.ListComp: "list comprehension", ast.SetComp: "set comprehension",
                  ast.DictComp: "dict comprehension", ast.GeneratorExp: "generator expression"}


def check_program(tree: ast.Module, limits: Limits) -> None:
    """Walk the whole tree once (iteratively: depth is what we are limiting) and refuse what we cannot run."""
    count = 0
    _check_future_imports(tree)
    yield_ok: set[int] = set()  # yields that are a whole statement's value: the ones the interpreter runs
    # (node, depth, where: the innermost function/lambda/class/comprehension or None, in_loop, in_class_body)
    stack: list[tuple[ast.AST, int, str | None, bool, bool]] = [(tree, 0, None, False, False)]
    while stack:
        node, depth, where, in_loop, in_class_body = stack.pop()
        count += 1
        if count > limits.ast_nodes:
            limit = limits.ast_nodes
            raise CheckFailure("sandbox.too_many_nodes", None, count=f">{limit}", limit=limit)
        if depth > limits.ast_depth:
            raise CheckFailure("sandbox.too_deep", node, depth=depth, limit=limits.ast_depth)
        kind = type(node)
        if kind in REFUSED_NAMES:
            raise CheckFailure("sandbox.unsupported_syntax", node, what=REFUSED_NAMES[kind])
        if not isinstance(node, ALLOWED_NODES):
            raise CheckFailure("sandbox.unsupported_syntax", node, what=kind.__name__)
        _check_node(node, where, in_loop, in_class_body)
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            _check_yield(node, where, id(node) in yield_ok)
        if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(node.value,
                                                                                  (ast.Yield, ast.YieldFrom)):
            yield_ok.add(id(node.value))
        child_in_class_body = False
        if isinstance(node, ast.FunctionDef):
            where, in_loop = FUNCTION, False
        elif isinstance(node, ast.Lambda):
            where, in_loop = LAMBDA, False
        elif isinstance(node, ast.ClassDef):
            where, in_loop = CLASS_BODY, False
            child_in_class_body = True
        elif kind in COMPREHENSIONS:
            where = COMPREHENSIONS[kind]
        loop_children = ()
        if isinstance(node, (ast.For, ast.While)):
            loop_children = node.body
        for child in ast.iter_child_nodes(node):
            in_body = child_in_class_body and any(child is c for c in node.body)
            stack.append((child, depth + 1, where, in_loop or any(child is c for c in loop_children), in_body))


def _check_yield(node, where: str | None, as_statement: bool) -> None:
    word = "yield" if isinstance(node, ast.Yield) else "yield from"
    if where in COMPREHENSIONS.values():
        raise CheckFailure("sandbox.syntax_error", node, detail=f"'{word}' inside {where}")
    if where is None or where == CLASS_BODY:
        raise CheckFailure("sandbox.syntax_error", node, detail=f"'{word}' outside function")
    if where == LAMBDA:
        raise CheckFailure("sandbox.unsupported_syntax", node, what=f"'{word}' in a lambda")
    if not as_statement:
        raise CheckFailure("sandbox.unsupported_syntax", node,
                           what=f"'{word}' inside an expression (write it as a statement or `x = {word} ...`)")


def _check_future_imports(tree: ast.Module) -> None:
    """`from __future__ import annotations`: accepted (annotations are never evaluated here anyway), where and
    as Python accepts it."""
    body = tree.body
    start = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
        isinstance(body[0].value.value, str) else 0
    leading = True
    for index, stmt in enumerate(body):
        future = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and not stmt.level
        if index >= start and not future:
            leading = False
        if future:
            if not leading or index < start:
                raise CheckFailure("sandbox.syntax_error", stmt,
                                   detail="from __future__ imports must occur at the beginning of the file")
            for alias in stmt.names:
                if alias.name not in FUTURE_FEATURES:
                    detail = f"future feature {alias.name} is not defined"
                    raise CheckFailure("sandbox.syntax_error", stmt, detail=detail)
    for node in ast.walk(tree):  # one anywhere else (inside a function) is as wrong
        if isinstance(node, ast.ImportFrom) and node.module == "__future__" and node not in body:
            raise CheckFailure("sandbox.syntax_error", node,
                               detail="from __future__ imports must occur at the beginning of the file")


def _check_node(node: ast.AST, where: str | None, in_loop: bool, in_class_body: bool) -> None:
    in_function = where in (FUNCTION, LAMBDA)
    if isinstance(node, ast.Name):
        allowed = DUNDER_NAMES if isinstance(node.ctx, ast.Load) else frozenset()
        if where == CLASS_BODY:
            allowed = allowed | USER_DUNDERS  # `__rmul__ = __mul__` in a class body
        _check_name(node.id, node, allowed)
    elif isinstance(node, ast.Attribute):
        _check_name(node.attr, node, READABLE_DUNDERS if isinstance(node.ctx, ast.Load) else frozenset())
    elif isinstance(node, ast.keyword):
        if node.arg is not None:
            _check_name(node.arg, node)
    elif isinstance(node, ast.arg):
        _check_name(node.arg, node)
    elif isinstance(node, ast.alias):
        if node.name == "*":
            raise CheckFailure("sandbox.unsupported_syntax", node, what="'import *'")
        for part in node.name.split("."):
            _check_import_name(part, node)
        if node.asname:
            _check_import_name(node.asname, node)
    elif isinstance(node, ast.FunctionDef):
        _check_name(node.name, node, USER_DUNDERS if in_class_body else frozenset())
        _check_arguments(node.args, node)
    elif isinstance(node, ast.ClassDef):
        _check_name(node.name, node)
        if node.keywords:
            raise CheckFailure("sandbox.unsupported_syntax", node.keywords[0], what="class keywords (metaclass=...)")
        for base in node.bases:
            if isinstance(base, ast.Starred):
                raise CheckFailure("sandbox.unsupported_syntax", base, what="starred base classes")
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        for name in node.names:
            _check_name(name, node)
    elif isinstance(node, ast.ExceptHandler):
        if node.name is not None:
            _check_name(node.name, node)
    elif isinstance(node, ast.Lambda):
        _check_arguments(node.args, node)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, (bytes, complex)):
            what = "bytes literals" if isinstance(node.value, bytes) else "complex numbers"
            raise CheckFailure("sandbox.unsupported_syntax", node, what=what)
    elif isinstance(node, ast.FormattedValue):
        spec = node.format_spec
        if spec is not None and not all(isinstance(v, ast.Constant) for v in spec.values):
            raise CheckFailure("sandbox.format_spec_dynamic", spec)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            raise CheckFailure("sandbox.unsupported_syntax", node, what="relative imports")
        if node.module != "__future__":
            for part in (node.module or "").split("."):
                _check_import_name(part, node)
    elif isinstance(node, (ast.Break, ast.Continue)):
        if not in_loop:
            word = "break" if isinstance(node, ast.Break) else "continue"
            raise CheckFailure("sandbox.syntax_error", node, detail=f"'{word}' outside loop")
    elif isinstance(node, ast.Return):
        if not in_function:
            raise CheckFailure("sandbox.syntax_error", node, detail="'return' outside function")
    elif isinstance(node, (ast.Assign, ast.For, ast.comprehension, ast.AugAssign, ast.AnnAssign, ast.With)):
        for target in _targets_of(node):
            _check_starred_target(target, node)
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            if not isinstance(target, (ast.Name, ast.Subscript, ast.Attribute)):
                raise CheckFailure("sandbox.unsupported_syntax", target, what="this kind of 'del'")


def _check_starred_target(target, node) -> None:
    """`a, *rest = ...` as Python allows it: one starred name per tuple or list, none alone or in an augmented
    or annotated assignment; Python's own words otherwise."""
    if isinstance(target, ast.Starred):
        detail = "starred assignment target must be in a list or tuple"
        raise CheckFailure("sandbox.syntax_error", target, detail=detail)
    if isinstance(target, (ast.Tuple, ast.List)):
        if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            return  # (Python refuses these targets whole; the interpreter's own check names them)
        stars = [sub for sub in target.elts if isinstance(sub, ast.Starred)]
        if len(stars) > 1:
            raise CheckFailure("sandbox.syntax_error", stars[1], detail="multiple starred expressions in assignment")
        for sub in target.elts:
            _check_starred_target(sub.value if isinstance(sub, ast.Starred) else sub, node)
    elif isinstance(target, (ast.Attribute, ast.Subscript)):
        for sub in ast.walk(target):
            if isinstance(sub, ast.Starred):
                raise CheckFailure("sandbox.unsupported_syntax", sub, what="starred expressions here")


def _targets_of(node) -> list:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, (ast.For, ast.comprehension)):
        return [node.target]
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    if isinstance(node, ast.With):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []


def _check_arguments(args: ast.arguments, node: ast.AST) -> None:
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    seen = set()
    for name in names:
        if name in seen:
            raise CheckFailure(
                "sandbox.syntax_error", node, detail=f"duplicate argument '{name}' in function definition"
            )
        seen.add(name)


def parse_program(source: str, limits: Limits) -> ast.Module:
    """Text -> checked tree, or CheckFailure. Never lets another exception out."""
    if len(source) > limits.source_chars:
        raise CheckFailure("sandbox.source_too_long", None, size=len(source), limit=limits.source_chars)
    if "\x00" in source:
        line = source.count("\n", 0, source.index("\x00")) + 1
        raise CheckFailure("sandbox.null_byte", Where(line, 1))
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as exc:
        line = source.count("\n", 0, exc.start) + 1
        raise CheckFailure("sandbox.bad_text", Where(line, 1)) from None
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as exc:
        detail = exc.msg or "invalid syntax"
        where = Where(exc.lineno or 1, exc.offset or 1)
        raise CheckFailure("sandbox.syntax_error", where, detail=detail) from None
    except (RecursionError, MemoryError):
        raise CheckFailure("sandbox.too_deep", None, depth="?", limit=limits.ast_depth) from None
    except (ValueError, TypeError) as exc:  # e.g. text the tokenizer cannot decode
        raise CheckFailure("sandbox.syntax_error", None, detail=str(exc)) from None
    check_program(tree, limits)
    _check_scopes(source)
    return tree


def _check_scopes(source: str) -> None:
    """Python's own symbol-table pass (analysis only, nothing runs): `nonlocal x` with no enclosing `x`, a
    name used before its `global` declaration, and the other scope errors, in Python's words."""
    try:
        symtable.symtable(source, "<program>", "exec")
    except SyntaxError as exc:
        where = Where(exc.lineno or 1, exc.offset or 1)
        raise CheckFailure("sandbox.syntax_error", where, detail=exc.msg or "invalid syntax") from None
    except (RecursionError, MemoryError, ValueError, TypeError):  # the tree passed; its scopes cannot be worse
        pass


class Where:
    """A position that is not a node (syntax errors), shaped like one."""

    def __init__(self, line: int, col: int):
        self.lineno = line
        self.col_offset = max(col - 1, 0)
