"""Parse a program and check, before anything runs, that it only uses the Python the explorer interprets.

Refusals here are static: a program that defines a class or uses `yield` is refused as a whole, with the
line of the offending construct, before its first line runs. Names are checked after NFKC normalisation
(which is what Python itself does to identifiers), so full-width or other look-alike letters cannot hide an
underscore name.
"""

from __future__ import annotations

import ast
import unicodedata

from explorer.sandbox.limits import Limits

# the statements and expressions the interpreter knows; everything else is refused with its own name
ALLOWED_NODES = (
    ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.If, ast.For, ast.While, ast.Break,
    ast.Continue, ast.Pass, ast.With, ast.withitem, ast.FunctionDef, ast.Return, ast.Import, ast.ImportFrom,
    ast.alias, ast.Assert, ast.Delete,
    ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Slice, ast.Call, ast.keyword, ast.Starred,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.List, ast.Tuple, ast.Dict, ast.ListComp,
    ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Lambda, ast.arguments, ast.arg, ast.JoinedStr,
    ast.FormattedValue,
    ast.Load, ast.Store, ast.Del,
    ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.expr_context,
)

# what users see when they write one of the refused constructs
REFUSED_NAMES = {
    ast.ClassDef: "'class'",
    ast.AsyncFunctionDef: "'async def'",
    ast.AsyncFor: "'async for'",
    ast.AsyncWith: "'async with'",
    ast.Await: "'await'",
    ast.Yield: "'yield' (generators)",
    ast.YieldFrom: "'yield from' (generators)",
    ast.Try: "'try'",
    ast.Raise: "'raise'",
    ast.Global: "'global'",
    ast.Nonlocal: "'nonlocal'",
    ast.Set: "sets",
    ast.SetComp: "set comprehensions",
    ast.NamedExpr: "':=' (assignment expressions)",
    ast.Match: "'match'",
}
if hasattr(ast, "TryStar"):
    REFUSED_NAMES[ast.TryStar] = "'try'"

PRIVATE_ALLOWED = frozenset({"_version"})  # the engine's version counter, which PyTorch lessons read


class CheckFailure(Exception):
    """A refusal found before running: catalogue key, params, and the node it is about."""

    def __init__(self, key: str, node: ast.AST | None, **params):
        super().__init__(key)
        self.key = key
        self.node = node
        self.params = params


def normalized(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


def _check_name(name: str, node: ast.AST, attribute: bool = False) -> None:
    plain = normalized(name)
    if plain.startswith("_") and not (attribute and plain in PRIVATE_ALLOWED):
        raise CheckFailure("sandbox.private_name", node, name=plain)


def check_program(tree: ast.Module, limits: Limits) -> None:
    """Walk the whole tree once (iteratively: depth is what we are limiting) and refuse what we cannot run."""
    count = 0
    # (node, depth, in_function, in_loop)
    stack: list[tuple[ast.AST, int, bool, bool]] = [(tree, 0, False, False)]
    while stack:
        node, depth, in_function, in_loop = stack.pop()
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
        _check_node(node, in_function, in_loop)
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            in_function, in_loop = True, False
        loop_children = ()
        if isinstance(node, (ast.For, ast.While)):
            loop_children = node.body
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1, in_function, in_loop or any(child is c for c in loop_children)))


def _check_node(node: ast.AST, in_function: bool, in_loop: bool) -> None:
    if isinstance(node, ast.Name):
        _check_name(node.id, node)
    elif isinstance(node, ast.Attribute):
        _check_name(node.attr, node, attribute=True)
    elif isinstance(node, ast.keyword):
        if node.arg is not None:
            _check_name(node.arg, node)
    elif isinstance(node, ast.arg):
        _check_name(node.arg, node)
    elif isinstance(node, ast.alias):
        for part in node.name.split("."):
            _check_name(part, node)
        if node.asname:
            _check_name(node.asname, node)
        if node.name == "*":
            raise CheckFailure("sandbox.unsupported_syntax", node, what="'import *'")
    elif isinstance(node, ast.FunctionDef):
        _check_name(node.name, node)
        if node.decorator_list:
            raise CheckFailure("sandbox.unsupported_syntax", node.decorator_list[0], what="decorators")
        _check_arguments(node.args, node)
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
        for part in (node.module or "").split("."):
            _check_name(part, node)
    elif isinstance(node, (ast.Break, ast.Continue)):
        if not in_loop:
            word = "break" if isinstance(node, ast.Break) else "continue"
            raise CheckFailure("sandbox.syntax_error", node, detail=f"'{word}' outside loop")
    elif isinstance(node, ast.Return):
        if not in_function:
            raise CheckFailure("sandbox.syntax_error", node, detail="'return' outside function")
    elif isinstance(node, (ast.Assign, ast.For, ast.comprehension, ast.AugAssign, ast.AnnAssign, ast.With)):
        targets = _targets_of(node)
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Starred):
                    raise CheckFailure("sandbox.unsupported_syntax", sub, what="starred assignment targets")
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            if not isinstance(target, (ast.Name, ast.Subscript)):
                raise CheckFailure("sandbox.unsupported_syntax", target, what="this kind of 'del'")


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
    if args.vararg or args.kwarg:
        raise CheckFailure("sandbox.unsupported_syntax", node, what="*args and **kwargs parameters")
    if args.posonlyargs:
        raise CheckFailure("sandbox.unsupported_syntax", node, what="positional-only parameters")
    names = [a.arg for a in args.args + args.kwonlyargs]
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
    return tree


class Where:
    """A position that is not a node (syntax errors), shaped like one."""

    def __init__(self, line: int, col: int):
        self.lineno = line
        self.col_offset = max(col - 1, 0)
