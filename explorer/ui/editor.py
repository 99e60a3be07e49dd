"""Beside the Playground's editor: the requires_grad boxes of a run's leaves, and the lines around an error.
Pure (no streamlit import): the Playground page draws what these return.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from explorer.sandbox.result import ProgramError, RunResult

# --- leaves and their requires_grad checkboxes --------------------------------------------------------


@dataclass(frozen=True)
class LeafRow:
    name: str
    line: int
    dtype: str
    requires_grad: bool  # the value the checkbox shows: the override if any, else the program's own
    can_require_grad: bool
    overridden: bool
    # the name's later leaves, (line, dtype) each: the box sets the first one only, these stay as the program
    # made them (lesson 000 makes a float32 x, then a float64 x, the one its graph shows)
    later: tuple[tuple[int, str], ...] = ()


def leaf_rows(result: RunResult, overrides: dict[str, bool]) -> list[LeafRow]:
    """One row per leaf name (its first binding, where an override applies), in program order."""
    rows: dict[str, LeafRow] = {}
    for leaf in result.leaves:
        dtype = leaf.dtype.replace("torch.", "")
        if leaf.name in rows:
            row = rows[leaf.name]
            rows[leaf.name] = replace(row, later=(*row.later, (leaf.line, dtype)))
            continue
        flag = overrides.get(leaf.name, leaf.requires_grad) if leaf.can_require_grad else False
        rows[leaf.name] = LeafRow(leaf.name, leaf.line, dtype, bool(flag), leaf.can_require_grad,
                                  leaf.name in overrides)
    return list(rows.values())


def program_flags(result: RunResult) -> dict[str, bool]:
    """requires_grad as the program itself writes it, for each leaf name."""
    flags: dict[str, bool] = {}
    for leaf in result.leaves:
        flags.setdefault(leaf.name, bool(leaf.requires_grad))
    return flags


def toggled(overrides: dict[str, bool], name: str, flag: bool, program_flag: bool | None) -> dict[str, bool]:
    """The overrides after a checkbox click: an override equal to the program's own flag is dropped."""
    out = dict(overrides)
    if program_flag is not None and flag == program_flag:
        out.pop(name, None)
    else:
        out[name] = bool(flag)
    return out


# --- errors next to the editor --------------------------------------------------------------------------


def error_excerpt(source: str, error: ProgramError, context: int = 2) -> str:
    """The lines around the error, numbered, the failing one marked with '>' and a caret under its column."""
    lines = source.split("\n")
    if not lines or error.line is None or error.line < 1:
        return ""
    line = min(error.line, len(lines))
    first = max(1, line - context)
    last = min(len(lines), line + context)
    width = len(str(last))
    out = []
    for number in range(first, last + 1):
        mark = ">" if number == line else " "
        out.append(f"{mark} {number:>{width}} | {lines[number - 1]}")
        if number == line:
            col = max(1, min(error.col or 1, len(lines[number - 1]) + 1))
            out.append(" " * (width + 5 + col - 1) + "^")
    return "\n".join(out)
