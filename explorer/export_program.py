"""The Playground's program as a `.py` file that runs in real PyTorch, with the requires_grad boxes applied.

A ticked or unticked box is an override the sandbox applies where the leaf is first bound; the export writes
the same thing as code: `name.requires_grad_(flag)` right after that statement. Pure: no streamlit import.
"""

from __future__ import annotations

import ast

from explorer.sandbox.result import LeafInfo

HEADER = (
    "# Exported from Autograd Explorer. Runs in PyTorch 2.13: pip install torch==2.13.0\n"
    "# Lines marked 'requires_grad box' apply the checkboxes that were changed in the app.\n"
)
MARK = "  # requires_grad box"


def _statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    """The innermost assignment statement that starts on `line`."""
    found = None
    for node in ast.walk(tree):
        assigns = isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.lineno == line
        if assigns and (found is None or node.col_offset > found.col_offset):
            found = node
    return found


def _imports_torch(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Import) and any(a.name == "torch" and a.asname is None for a in node.names):
            return True
    return False


def export_program(source: str, leaves: list[LeafInfo], overrides: dict[str, bool]) -> str:
    """The program text for PyTorch: overrides written as code after each leaf's first binding."""
    lines = source.split("\n")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        # a program that does not parse is exported as typed: PyTorch will show the same error
        return HEADER + source
    inserts: dict[int, list[str]] = {}  # after line number -> lines to add
    seen: set[str] = set()
    for leaf in leaves:
        if leaf.name in seen:
            continue
        seen.add(leaf.name)
        if leaf.name not in overrides or not leaf.can_require_grad:
            continue
        statement = _statement_at(tree, leaf.line)
        if statement is None:
            continue
        indent = " " * statement.col_offset
        end = statement.end_lineno or statement.lineno
        flag = bool(overrides[leaf.name])
        inserts.setdefault(end, []).append(f"{indent}{leaf.name}.requires_grad_({flag}){MARK}")
    out: list[str] = []
    for number, text in enumerate(lines, start=1):
        out.append(text)
        out.extend(inserts.get(number, ()))
    body = "\n".join(out)
    if not _imports_torch(tree):
        body = "import torch\n\n" + body
    return HEADER + body if body.endswith("\n") else HEADER + body + "\n"
