"""What a run shows of a bare expression: which ones, and in what words.

Two rules, chosen by how the program came (and said in the Playground beside its Output):

- A plain program is shown as Python's interactive prompt shows one: the value of every expression statement
  at the top level that is not None, as its repr. Ending the line with `;` hides it, as in Jupyter, so a
  learner who types `x.grad` on a line of its own sees it, and `torch.manual_seed(0);` stays quiet.
- A pasted notebook is shown as Jupyter shows it: per cell, its prints plus the value of the cell's last
  statement when that is an expression (not None, not ended by `;`), laid out as IPython's pretty printer lays
  it out: containers broken over lines at 79 columns with their items aligned, an object without a repr of its
  own as `<AbsBackward0 at 0x...>`, a class as `torch.Tensor`.

`shown_statements` picks the statements; `pretty` writes a value the way Jupyter does.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable

WIDTH = 79  # IPython's line width
MAX_ITEMS = 1000  # IPython shows this many items of a container, then "..."

# Python's own repr of an object whose class defines none, and of a class
DEFAULT_REPR = re.compile(r"<([A-Za-z_][\w.]*) object at (0x[0-9a-fA-F]+)>\Z")
CLASS_REPR = re.compile(r"<class '([A-Za-z_][\w.]*)'>\Z")
LINE_BREAKS = re.compile(r"\r\n|\r|\n")


# --- which statements show their value ------------------------------------------------------------------


def ends_with_semicolon(lines: list[str], stmt: ast.stmt) -> bool:
    """True when `stmt` is followed by `;` on its last line (ast's columns count UTF-8 bytes)."""
    if stmt.end_lineno is None or stmt.end_col_offset is None or stmt.end_lineno > len(lines):
        return False
    rest = lines[stmt.end_lineno - 1].encode("utf-8")[stmt.end_col_offset:].decode("utf-8", "replace")
    return rest.lstrip().startswith(";")


def shown_statements(source: str, tree: ast.Module,
                     cell_starts: tuple[int, ...] | None = None) -> frozenset[tuple[int, int]]:
    """(line, column) of each top-level expression statement whose value is shown: every one for a plain
    program (`cell_starts` None; a leading docstring is not), the last statement of each cell for a notebook
    whose cells start at the program lines `cell_starts`."""
    lines = LINE_BREAKS.split(source)  # the lines as ast counts them
    body = tree.body
    if cell_starts is None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]
        candidates = body
    else:
        last: dict[int, ast.stmt] = {}
        for stmt in body:
            last[bisect.bisect_right(cell_starts, stmt.lineno)] = stmt
        candidates = list(last.values())
    return frozenset((stmt.lineno, stmt.col_offset) for stmt in candidates
                     if isinstance(stmt, ast.Expr) and not ends_with_semicolon(lines, stmt))


# --- IPython's layout -------------------------------------------------------------------------------------


class _Group:
    __slots__ = ("broken", "depth", "pending")

    def __init__(self, depth: int):
        self.depth = depth
        self.pending: deque = deque()  # its breakables not yet written
        self.broken = False  # every breakable of the group is a line break from now on


class _Breakable:
    __slots__ = ("group", "indent", "text")

    def __init__(self, text: str, indent: int, group: _Group):
        self.text = text
        self.indent = indent
        self.group = group


class _Printer:
    """A streaming pretty printer (Oppen's algorithm, as IPython's `RepresentationPrinter` runs it): text waits
    in a buffer while a line might still fit; when it cannot, the outermost group with a pending place to break
    breaks there, and a group once broken breaks at every later place too. A line break inside a repr breaks
    the outermost group that can still break, and marks the groups around it as broken."""

    def __init__(self, width: int = WIDTH):
        self.width = width
        self.out: list[str] = []
        self.column = 0
        self.buffer: deque = deque()  # str and _Breakable, in order
        self.buffer_width = 0
        self.indent = 0
        root = _Group(0)
        self.stack = [root]
        self.levels: list[list[_Group]] = [[root]]  # by depth: the groups that may still break

    # the printer's operations
    def text(self, text: str) -> None:
        if not text:
            return
        if self.buffer:
            self.buffer.append(text)
            self.buffer_width += len(text)
            self._fit()
        else:
            self.out.append(text)
            self.column += len(text)

    def breakable(self, text: str = " ") -> None:
        group = self.stack[-1]
        if group.broken:
            self._flush()
            self._newline(self.indent)
            return
        item = _Breakable(text, self.indent, group)
        group.pending.append(item)
        self.buffer.append(item)
        self.buffer_width += len(text)
        self._fit()

    def hard_break(self) -> None:
        group = self._outermost()
        if group is not None:
            self._break(group)
        self._flush()
        self._newline(self.indent)

    def begin(self, indent: int = 0, opening: str = "") -> None:
        self.text(opening)
        group = _Group(self.stack[-1].depth + 1)
        self.stack.append(group)
        while len(self.levels) <= group.depth:
            self.levels.append([])
        self.levels[group.depth].append(group)
        self.indent += indent

    def end(self, indent: int = 0, closing: str = "") -> None:
        self.indent -= indent
        group = self.stack.pop()
        if not group.pending:
            self._forget(group)
        self.text(closing)

    def result(self) -> str:
        self._flush()
        return "".join(self.out)

    # underneath
    def _forget(self, group: _Group) -> None:
        level = self.levels[group.depth]
        if group in level:
            level.remove(group)

    def _outermost(self) -> _Group | None:
        """The outermost group that can still break, now broken; the levels above it are broken as they pass."""
        for level in self.levels:
            waiting = [group for group in level if group.pending]
            if waiting:
                group = waiting[-1]
                level.remove(group)
                group.broken = True
                return group
            for group in level:
                group.broken = True
            level.clear()
        return None

    def _fit(self) -> None:
        while self.column + self.buffer_width > self.width:
            group = self._outermost()
            if group is None:
                return
            self._break(group)

    def _break(self, group: _Group) -> None:
        while group.pending:
            self._write(self.buffer.popleft())
        while self.buffer and isinstance(self.buffer[0], str):
            self._write(self.buffer.popleft())

    def _flush(self) -> None:
        while self.buffer:
            self._write(self.buffer.popleft())

    def _write(self, item) -> None:
        if isinstance(item, str):
            self.out.append(item)
            self.column += len(item)
            self.buffer_width -= len(item)
            return
        group = item.group
        group.pending.popleft()
        self.buffer_width -= len(item.text)
        if group.broken:
            self.out.append("\n" + " " * item.indent)
            self.column = item.indent
            return
        if not group.pending:
            self._forget(group)
        self.out.append(item.text)
        self.column += len(item.text)

    def _newline(self, indent: int) -> None:
        self.out.append("\n" + " " * indent)
        self.column = indent
        self.buffer_width = 0


def _own_repr(value) -> bool:
    """A container of a subclass that writes its own repr (torch.Size, a named tuple) is shown by that repr."""
    for base in (tuple, list, dict, set, frozenset):
        if isinstance(value, base):
            return type(value).__repr__ is not base.__repr__
    return False


class _Pretty:
    def __init__(self, repr_of: Callable[[object], str], plain: Callable[[object], bool]):
        self.repr_of = repr_of
        self.plain = plain  # True for a value whose repr is to be shown as it is (its own __repr__)
        self.printer = _Printer()
        self.open: set[int] = set()  # ids of the containers being printed, for cycles

    def value(self, value) -> None:
        p = self.printer
        if type(value) in (OrderedDict, defaultdict):
            self._named_dict(value)
            return
        if isinstance(value, (tuple, list, dict, set, frozenset)) and not _own_repr(value):
            if id(value) in self.open:
                p.text(_cycle(value))
                return
            self.open.add(id(value))
            try:
                if isinstance(value, dict):
                    self._dict(value)
                elif isinstance(value, (set, frozenset)):
                    self._set(value)
                else:
                    self._sequence(value)
            finally:
                self.open.discard(id(value))
            return
        text = self.repr_of(value)
        if not self.plain(value):
            default = DEFAULT_REPR.match(text)
            if default:
                p.text(f"<{default.group(1)} at {default.group(2)}>")
                return
            named = CLASS_REPR.match(text)
            if named:
                p.text(named.group(1).removeprefix("builtins."))
                return
        p.begin()
        for index, line in enumerate(text.splitlines()):
            if index:
                p.hard_break()
            p.text(line)
        p.end()

    def _named_dict(self, value) -> None:
        """`OrderedDict([(key, value), ...])` (a state_dict) and `defaultdict(dict, {...})` (an optimizer's
        state), as IPython writes them."""
        p = self.printer
        name = type(value).__name__
        if id(value) in self.open:
            p.text(f"{name}(...)")
            return
        self.open.add(id(value))
        try:
            p.begin(len(name) + 1, f"{name}(")
            if isinstance(value, defaultdict):
                self.value(value.default_factory)
                p.text(",")
                p.breakable()
                self.value(dict(value))
            elif value:
                self.value(list(value.items()))
            p.end(len(name) + 1, ")")
        finally:
            self.open.discard(id(value))

    def _items(self, items, write: Callable) -> None:
        p = self.printer
        for index, item in enumerate(items):
            if index:
                p.text(",")
                p.breakable()
            if index == MAX_ITEMS:
                p.text("...")
                return
            write(item)

    def _sequence(self, value) -> None:
        opening, closing = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        p = self.printer
        p.begin(1, opening)
        self._items(value, self.value)
        if isinstance(value, tuple) and len(value) == 1:
            p.text(",")
        p.end(1, closing)

    def _set(self, value) -> None:
        p = self.printer
        name = "set" if isinstance(value, set) else "frozenset"
        if not value:
            p.text(f"{name}()")
            return
        opening, closing = ("{", "}") if name == "set" else ("frozenset({", "})")
        try:
            items = sorted(value)
        except Exception:  # items without an order keep the set's own
            items = list(value)
        p.begin(len(opening), opening)
        self._items(items, self.value)
        p.end(len(opening), closing)

    def _dict(self, value) -> None:
        p = self.printer
        p.begin(1, "{")

        def entry(key):
            self.value(key)
            p.text(": ")
            self.value(value[key])

        self._items(list(value), entry)
        p.end(1, "}")


def _cycle(value) -> str:
    if isinstance(value, tuple):
        return "(...)"
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, dict):
        return "{...}"
    return f"{type(value).__name__}(...)"


def pretty(value, repr_of: Callable[[object], str] = repr,
           plain: Callable[[object], bool] = lambda value: False) -> str:
    """`value` as Jupyter displays it. `repr_of` gives a value's repr (the sandbox's, which charges its size);
    `plain(value)` is True for a value whose repr is its own, to be shown as written even when it reads like
    Python's default (a program's class whose __repr__ returns `<X object at 0x1>`)."""
    writer = _Pretty(repr_of, plain)
    writer.value(value)
    return writer.printer.result()
