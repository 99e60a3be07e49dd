"""Everything the explorer writes to files: a run's graph as a standalone HTML page (Plotly, works offline),
JSON or Graphviz DOT, and the program as a `.py` file for real PyTorch with the requires_grad boxes applied.
The Playground's download buttons and `python -m explorer export` both use this module. No streamlit import.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import io
import json
import math
import tokenize
from collections.abc import Hashable

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from explorer.graph.figures import KIND_STYLE, OKABE_ITO, node_label
from explorer.graph.layout import Layout, natural_key
from explorer.graph.views import graph_figure_dict, graph_of, layout_of
from explorer.sandbox import run_program
from explorer.sandbox.notebook import extract_program
from explorer.sandbox.result import RunResult
from explorer.text import t
from explorer.text.values import value_text


def _plain(value):
    """JSON-safe copy: arrays to nested lists, non-finite floats to strings (strict JSON has no NaN)."""
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return str(value)


def graph_to_data(graph: nx.DiGraph, layout: Layout | None = None) -> dict:
    nodes = []
    for n in sorted(graph.nodes, key=natural_key):
        entry = {"id": str(n), **_plain(dict(graph.nodes[n]))}
        if layout is not None and n in layout.positions:
            entry["x"], entry["y"] = layout.positions[n]
        nodes.append(entry)
    edges = [{"source": str(u), "target": str(v), **_plain(dict(graph.edges[u, v]))}
             for u, v in sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1])))]
    return {"directed": True, "graph": _plain(dict(graph.graph)), "nodes": nodes, "edges": edges}


def graph_to_json(graph: nx.DiGraph, layout: Layout | None = None, indent: int | None = 1) -> str:
    return json.dumps(graph_to_data(graph, layout), indent=indent, ensure_ascii=False, allow_nan=False)


def _dot_quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_SHAPE = {
    "op": "box", "function": "box", "accumulate": "hexagon", "none": "plaintext", "scalar": "diamond",
}


def _dot_label(graph: nx.DiGraph, node: Hashable) -> str:
    label = node_label(graph, node).replace("<br>", "\n")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&quot;", '"'), ("&#x27;", "'")):
        label = label.replace(entity, char)
    d = graph.nodes[node]
    if d.get("kind") == "constant" and "value" in d and getattr(d["value"], "size", np.size(d["value"])) <= 4:
        label += "\n" + value_text(d["value"], one_line=True)
    return label


def graph_to_dot(graph: nx.DiGraph, name: str = "autograd") -> str:
    """Graphviz DOT text, top to bottom, coloured like the figures."""
    lines = [f"digraph {_dot_quote(name)} {{", "  rankdir=TB;",
             '  node [fontname="Helvetica", style=filled, fontsize=12];']
    for n in sorted(graph.nodes, key=natural_key):
        kind = graph.nodes[n].get("kind", "intermediate")
        colour = KIND_STYLE.get(kind, (OKABE_ITO["grey"], ""))[0]
        shape = _DOT_SHAPE.get(kind, "ellipse")
        lines.append(f"  {_dot_quote(n)} [label={_dot_quote(_dot_label(graph, n))}, shape={shape}, "
                     f'fillcolor="{colour}"];')
    for u, v in sorted(graph.edges, key=lambda e: (natural_key(e[0]), natural_key(e[1]))):
        attrs = graph.edges[u, v]
        slot = attrs.get("input_nr", attrs.get("arg"))
        label = f" [label={_dot_quote(slot)}]" if slot is not None else ""
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def figure_to_html(fig: go.Figure) -> str:
    """A standalone page: plotly.js is embedded, so the file opens offline in any browser."""
    return fig.to_html(full_html=True, include_plotlyjs=True, auto_play=False, config={"scrollZoom": True})


def export_files(
    graph: nx.DiGraph, fig: go.Figure, layout: Layout | None = None, stem: str = "graph"
) -> dict:
    """{file name: (bytes, mime type)}, ready for download buttons."""
    return {
        f"{stem}.html": (figure_to_html(fig).encode(), "text/html"),
        f"{stem}.json": (graph_to_json(graph, layout).encode(), "application/json"),
        f"{stem}.dot": (graph_to_dot(graph).encode(), "text/vnd.graphviz"),
    }


# --- the program for PyTorch -------------------------------------------------------------------------------

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


NOTEBOOK_HEADER = (
    "# The code cells of a pasted notebook, in the order it ran them (its text and outputs left out).\n"
    "# The value a cell showed is printed; a cell that raised is in try/except, so the cells after it run.\n"
)
RAISED = " raised an error in the notebook, which went on with the next cell"


def _multiline_string(code: str) -> bool:
    """True when a string in `code` spans lines (indenting the code would change the string)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return any(tok.type in kinds and tok.start[0] != tok.end[0] for tok in tokens)


def _printed(line: str, stmt: ast.stmt, end_line: str) -> tuple[str, str]:
    """The first and last line of expression statement `stmt` rewritten as `print(repr(...))` (ast's columns
    count UTF-8 bytes); the same line twice when it spans one."""
    first, last = line.encode(), end_line.encode()
    start, end = stmt.col_offset, stmt.end_col_offset
    if stmt.lineno == stmt.end_lineno:
        text = first[:start] + b"print(repr(" + first[start:end] + b"))" + first[end:]
        return text.decode(), text.decode()
    return ((first[:start] + b"print(repr(" + first[start:]).decode(),
            (last[:end] + b"))" + last[end:]).decode())


def notebook_as_python(extracted, shown_lines=(), raised: dict[int, str | None] | None = None
                       ) -> tuple[str, dict[int, int]]:
    """A pasted notebook as a Python file: its code cells in the order they ran, each after an `# In [n]:`
    line. A script shows no value by itself, so the value a cell showed (its last expression, at one of
    `shown_lines`, lines of the pasted text where the run showed a value) is printed with `print(repr(...))`; a
    cell that raised (`raised`: pasted line -> the error's kind) is in try/except printing the error as the
    notebook showed it, so that the file runs on as the notebook did. Returns the text and, for each pasted
    line of code, its line in the file."""
    program_lines = extracted.program.split("\n")
    plan = extracted.plan()
    try:
        tree = ast.parse(extracted.program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    shown_lines = set(shown_lines)
    printed = [] if tree is None else [
        stmt for stmt in tree.body
        if (stmt.lineno, stmt.col_offset) in plan.shown and extracted.original_line(stmt.lineno) in shown_lines]
    raised = raised or {}
    out: list[str] = NOTEBOOK_HEADER.rstrip("\n").split("\n")
    where: dict[int, int] = {}
    for cell, start in zip(extracted.cells, plan.starts):
        count = len(cell.code.split("\n"))
        code = program_lines[start - 1:start - 1 + count]
        for stmt in printed:
            if start <= stmt.lineno and stmt.end_lineno < start + count:
                first, last = _printed(code[stmt.lineno - start], stmt, code[stmt.end_lineno - start])
                code[stmt.lineno - start], code[stmt.end_lineno - start] = first, last
        kinds = [kind for line, kind in raised.items() if line in cell.lines]
        wrap = bool(kinds) and not _multiline_string("\n".join(code))
        out += ["", "", f"# In [{cell.count or ' '}]:" + (f" (this cell{RAISED})" if kinds else "")]
        if wrap:
            out.append("try:")
        for number, text in zip(cell.lines, code):
            out.append(("    " + text if text.strip() else "") if wrap else text)
            where[number] = len(out)
        if wrap:
            kind = kinds[0] if isinstance(getattr(builtins, kinds[0] or "", None), type) and \
                issubclass(getattr(builtins, kinds[0]), Exception) else "Exception"
            out += [f"except {kind} as error:", '    print(f"{type(error).__name__}: {error}")']
    return "\n".join(out).lstrip("\n") + "\n", where


def export_program(source: str, result: RunResult, overrides: dict[str, bool]) -> str:
    """The program text for PyTorch: overrides written as code after each leaf's first binding (the leaves of
    `result`, the program's run). A pasted notebook is written as Python first (notebook_as_python: the values
    its cells showed and the cells that raised, as `result` has them), its leaves' lines followed to the file."""
    leaves = result.leaves
    extracted = extract_program(source)
    if extracted is not None:
        shown = {entry.line for entry in result.outputs if entry.kind == "expr"}
        raised = {error.line: error.kind for error in result.cell_errors}
        source, where = notebook_as_python(extracted, shown, raised)
        leaves = [dataclasses.replace(leaf, line=where[leaf.line]) for leaf in leaves if leaf.line in where]
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


# --- a program's export, as `python -m explorer export` writes it -----------------------------------------


def export_text(source: str, fmt: str, view: str = "forward", lang: str = "en",
                isolated: bool = True) -> tuple[str | None, str | None]:
    """(file text, problem): the export of `source` in `fmt`, or None and why not."""
    result = run_program(source, lang=lang, isolated=isolated)
    if fmt == "py":
        return export_program(source, result, {}), None
    graph = graph_of(result, view)
    if graph is None:
        problem = t("cli.no_graph", lang, view=view)
        if result.error is not None:
            problem = result.error.one_line(lang)
        return None, problem
    if fmt == "json":
        return graph_to_json(graph, layout_of(result, view)), None
    if fmt == "dot":
        return graph_to_dot(graph), None
    return figure_to_html(go.Figure(graph_figure_dict(result, view, lang=lang))), None
