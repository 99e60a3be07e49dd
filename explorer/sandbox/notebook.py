"""Lessons pasted as saved notebooks: find the code cells in the text, so the program runs as written.

Two shapes occur in the lessons: a notebook printed as text ("In [2]:", the code, a blank line, what it printed)
and a notebook saved as markdown (```python blocks, output indented below). Plain Python passes through
untouched. The extracted program remembers which line of the pasted text each of its lines came from, so an
error still points at the line the user sees, and where each cell starts, so that it runs as Jupyter runs it
(`CellPlan`): each cell shows the value of its last expression only, and a cell that raises shows its error
and the next cell runs.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass

from explorer.sandbox.display import shown_statements

CELL_MARK = re.compile(r"^In \[(\d*| ?\w*)\]:\s*$")
# first lines of what a notebook printed, never of code
OUTPUT_LINE = re.compile(r"^(tensor\(|\(tensor|\(\(<|torch\.Size|True$|False$|None$|-?\d|[A-Za-z_]\w*Error: )")
MAX_CHARS = 200_000  # beyond this the text is left as it is and the sandbox's own size limit speaks


@dataclass(frozen=True)
class Cell:
    count: str  # the "In [n]" number, "" where the format has none
    lines: tuple[int, ...]  # 1-based line numbers of the code in the pasted text
    code: str
    output: tuple[str, ...]  # what the notebook printed, as saved


@dataclass(frozen=True)
class CellPlan:
    """How the program of a notebook runs, as Jupyter ran its cells (explorer/sandbox/display.py): `starts`, the
    program line where each cell begins; `shown`, the (line, column) of each statement whose value is displayed
    (a cell's last statement, when it is an expression not ended by `;`). Plain, picklable data for the worker."""

    starts: tuple[int, ...]
    shown: frozenset[tuple[int, int]]

    def cell_of(self, line: int) -> int:
        """The index of the cell that program line `line` belongs to."""
        return max(0, bisect.bisect_right(self.starts, line) - 1)


@dataclass(frozen=True)
class Extracted:
    program: str
    line_map: tuple[int, ...]  # program line i (1-based) came from pasted line line_map[i - 1]
    cells: tuple[Cell, ...]
    shape: str  # "notebook" | "markdown"
    starts: tuple[int, ...] = ()  # the program line where each cell's code begins

    def original_line(self, line: int) -> int:
        if 1 <= line <= len(self.line_map):
            return self.line_map[line - 1]
        return line

    def plan(self) -> CellPlan:
        """How the program runs: its cells, and the statements whose value the notebook shows."""
        try:
            shown = shown_statements(self.program, ast.parse(self.program), self.starts)
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # the sandbox reports what is wrong
            shown = frozenset()
        return CellPlan(self.starts, shown)


def _parses(text: str) -> bool:
    """True for Python, and for text too deeply nested to parse at all (no notebook: the sandbox reports it)."""
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):  # ValueError: NUL bytes
        return False
    except (RecursionError, MemoryError):
        return True
    return True


def _is_code(paragraph: list[tuple[int, str]], before: list[str]) -> bool:
    first = paragraph[0][1]
    if OUTPUT_LINE.match(first.strip()) or first.startswith(" "):
        return False
    text = "\n".join(line for _, line in paragraph)
    try:
        tree = ast.parse("\n".join([*before, text]))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    # printed "x: tensor(...)" parses as an annotation; lessons never annotate
    return not any(isinstance(node, ast.AnnAssign) for node in ast.walk(tree))


def _paragraphs(numbered: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    paragraphs, current = [], []
    for n, line in numbered:
        if line.strip():
            current.append((n, line))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def notebook_cells(text: str) -> list[Cell]:
    """Cells of a notebook printed as text: "In [n]:", code paragraphs, then the printed output."""
    lines = text.splitlines()
    cells = []
    i = 0
    while i < len(lines):
        mark = CELL_MARK.match(lines[i])
        if not mark:
            i += 1
            continue
        j = i + 1
        # a "#" line may be a comment of the code or a markdown heading after the output: the cell runs to the
        # next marker, and code is only its leading paragraphs that parse (a heading after output never does
        # count, since the first paragraph that is not code ends the code)
        while j < len(lines) and not CELL_MARK.match(lines[j]):
            j += 1
        paragraphs = _paragraphs([(n + 1, lines[n]) for n in range(i + 1, j)])
        code: list[str] = []
        numbers: list[int] = []
        k = 0
        while k < len(paragraphs) and _is_code(paragraphs[k], code):
            if code:  # keep the blank line between paragraphs, so line numbers stay faithful
                numbers.append(paragraphs[k][0][0] - 1)
                code.append("")
            code.extend(line for _, line in paragraphs[k])
            numbers.extend(n for n, _ in paragraphs[k])
            k += 1
        output = tuple("\n\n".join("\n".join(line for _, line in p) for p in paragraphs[k:]).splitlines())
        cells.append(Cell(mark.group(1).strip(), tuple(numbers), "\n".join(code), output))
        i = j
    return cells


def markdown_cells(text: str) -> list[Cell]:
    """Cells of a notebook saved as markdown: ```python blocks, each followed by its indented output."""
    lines = text.splitlines()
    cells = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```python":
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        k = j + 1
        output: list[str] = []
        while k < len(lines) and (not lines[k].strip() or lines[k].startswith("    ")):
            output.append(lines[k][4:])
            k += 1
        while output and not output[-1].strip():
            output.pop()
        while output and not output[0].strip():
            output.pop(0)
        cells.append(Cell("", tuple(range(i + 2, j + 1)), "\n".join(lines[i + 1:j]), tuple(output)))
        i = k
    return cells


def extract_program(text: str) -> Extracted | None:
    """The code of a pasted notebook, cells in the order the notebook ran them; None for plain Python (or
    text that is neither, which the sandbox then reports as it is)."""
    if len(text) > MAX_CHARS or _parses(text):
        return None
    shape = "markdown" if "```python" in text else "notebook"
    cells = markdown_cells(text) if shape == "markdown" else notebook_cells(text)
    cells = [c for c in cells if c.code.strip()]
    if not cells:
        return None
    if all(c.count.isdigit() for c in cells):
        cells.sort(key=lambda c: int(c.count))  # execution order, which the printed outputs follow
    program_lines: list[str] = []
    line_map: list[int] = []
    starts: list[int] = []
    for cell in cells:
        if program_lines:
            program_lines.append("")
            line_map.append(cell.lines[0])
        starts.append(len(program_lines) + 1)
        program_lines.extend(cell.code.split("\n"))
        line_map.extend(cell.lines)
    return Extracted("\n".join(program_lines) + "\n", tuple(line_map), tuple(cells), shape, tuple(starts))
