"""What a sandboxed run returns: plain, picklable data that crosses the worker-process boundary."""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from explorer.text import t

# Characters that would let a message change how it is shown: line breaks (a forged "line 99: ..." under the
# real one), terminal escapes, and the format characters that reorder text (bidi overrides and isolates).
_LINE_BREAKS = {"\n": "\\n", "\r": "\\r", "\t": " ", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def plain_line(text: str, keep: str = "") -> str:
    """`text` as one line of plain text: line breaks and control characters written as visible escapes (except
    the characters in `keep`: "\\n\\t" for a program's printed output)."""
    out = []
    for char in str(text):
        if char in keep:
            out.append(char)
        elif char in _LINE_BREAKS:
            out.append(_LINE_BREAKS[char])
        elif unicodedata.category(char) in ("Cc", "Cf") and char != "\u200d":  # (ZWJ joins emoji)
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


class ProgramError(Exception):
    """An error of a user program (the one it ends with, or one a notebook's cell raised): where (line, col) and
    what (one line of plain text).

    `kind` names the Python/PyTorch exception type ("RuntimeError", "SyntaxError") or "LimitError" /
    "NotAllowed" for the sandbox's own refusals, or "Stopped" when the server ended the run (its worker hung,
    died or ran past the hard timeout): then `line` is None, since no line of the program is to blame. `hint` is a
    catalogue key of a plain explanation, or None, with `hint_params` for its placeholders (a tensor's name:
    identifiers and dots only), written by `hint_text(lang)`. The message is made one line of plain text here, once, so
    that every place that shows it (page, command line, exports) shows what the program cannot forge.
    """

    def __init__(self, line: int | None, col: int, message: str, kind: str | None = None,
                 hint: str | None = None, hint_params: dict[str, str] | None = None):
        message = plain_line(message)
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message
        self.kind = kind
        self.hint = hint
        self.hint_params = dict(hint_params or {})
        self.cause: BaseException | None = None  # what the interpreter caught, in this process (not pickled)

    def __reduce__(self):
        return (ProgramError, (self.line, self.col, self.message, self.kind, self.hint, self.hint_params))

    def __str__(self) -> str:
        return self.one_line("en")

    def __repr__(self) -> str:
        return f"ProgramError(line={self.line}, col={self.col}, message={self.message!r}, kind={self.kind!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, ProgramError) and self.__reduce__()[1] == other.__reduce__()[1]

    __hash__ = Exception.__hash__

    @property
    def stopped(self) -> bool:
        """The server ended the run; the program is not known to be at fault at any line."""
        return self.line is None

    def heading(self, lang: str) -> str:
        """"Error at line 3", or "The server stopped the run"."""
        return t("error.stopped", lang) if self.stopped else t("play.error", lang, line=self.line)

    def hint_text(self, lang: str) -> str | None:
        """The plain explanation shown next to the message, or None."""
        return None if not self.hint else t(self.hint, lang, **self.hint_params)

    def one_line(self, lang: str) -> str:
        """"line 3: message" (the command line's last line, an export's problem)."""
        if self.stopped:
            return t("cli.stopped_line", lang, message=self.message)
        return t("cli.error_line", lang, line=self.line, message=self.message)


@dataclass
class OutputEntry:
    """One piece of notebook output: printed text (with its `end`), the value of a bare expression as it is shown
    (explorer/sandbox/display.py), a warning (`UserWarning: ...`, on a line of its own, as a notebook shows it),
    or the error a notebook's cell raised (its one-line message; shown as `line N: message` where it happened).
    `line` is the program's line."""

    line: int
    kind: str  # "print" | "expr" | "warning" | "error"
    text: str


@dataclass
class TensorInfo:
    id: str  # the engine's public id ("t12", engine.graph.tensor_id), as in graph exports and traces
    shape: tuple
    dtype: str
    value: Any  # numpy array (a copy), or a ValueSummary past explorer.text.values.FULL_ELEMENTS
    grad: Any  # the same, or None
    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None

    @property
    def tid(self) -> str:
        """The number in `id`: "12" for "t12" (what callers wrote as f"t{tid}" before ids were strings)."""
        return self.id[1:]


@dataclass
class LeafInfo:
    """A leaf tensor the program bound to a name: what the UI offers a requires_grad checkbox for."""

    name: str
    line: int
    id: str  # the engine's public id of the tensor, as TensorInfo.id
    dtype: str
    requires_grad: bool  # as the program wrote it (before any override)
    can_require_grad: bool  # floating dtypes only, as in PyTorch
    overridden: bool = False


@dataclass
class RunResult:
    outputs: list[OutputEntry] = field(default_factory=list)
    error: ProgramError | None = None
    tensors: dict[str, TensorInfo] = field(default_factory=dict)
    leaves: list[LeafInfo] = field(default_factory=list)
    forward_graph: Any = None  # networkx.DiGraph or None
    backward_graph: Any = None  # networkx.DiGraph or None
    passes: list = field(default_factory=list)  # engine.backward_trace.BackwardPass, bounded
    passes_dropped: int = 0  # how many passes in the middle were left out of `passes`
    names: dict[str, str] = field(default_factory=dict)  # tensor id -> variable name
    # one layout per graph, made once in the worker (explorer/graph/run_layout.py): explorer.graph.layout.Layout
    forward_layout: Any = None
    backward_layout: Any = None
    pass_layouts: list = field(default_factory=list)  # one per pass in `passes`, None where it has no graph
    # pass index -> explorer.backward.jacobian.PassJacobian, taken during the run right before the pass ran
    jacobians: dict = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)  # statements, graph_nodes, tensor_bytes, seconds
    views_dropped: bool = False  # the graphs and passes were too big to send; the output is all there is
    notebook_cells: int = 0  # > 0 when the text was a pasted notebook and these many code cells ran
    # the errors a pasted notebook's cells raised that the run went past, in order: each is also in `outputs`
    # (kind "error") where it happened, and the next cell ran, as in Jupyter. `error` is the one that ended the
    # run (a plain program's first error, or a limit), None when the run reached its end.
    cell_errors: list[ProgramError] = field(default_factory=list)

    def essentials(self) -> RunResult:
        """This result without its graphs, passes, layouts and tensors: what a user must see in any case."""
        return dataclasses.replace(
            self, tensors={}, forward_graph=None, backward_graph=None, passes=[], forward_layout=None,
            backward_layout=None, pass_layouts=[], jacobians={}, views_dropped=True,
        )

    @property
    def ok(self) -> bool:
        """The run reached its end (a notebook's cells may still have raised: `cell_errors`)."""
        return self.error is None

    @property
    def errors(self) -> list[ProgramError]:
        """Every error of the run, in order: the cells' that it went past, then the one that ended it."""
        return [*self.cell_errors, *([] if self.error is None else [self.error])]

    @property
    def reported_error(self) -> ProgramError | None:
        """The one error a summary names (the page's error box, the command line's last line): the one that ended
        the run, else the first a notebook's cell raised; None when nothing raised."""
        if self.error is not None:
            return self.error
        return self.cell_errors[0] if self.cell_errors else None

    def text(self, lang: str = "en") -> str:
        """The output as the app (and `python -m explorer run`) shows it, in `lang` for the "line N:" of a
        notebook cell's error."""
        return render_outputs(self.outputs, lang)


def render_outputs(outputs: list[OutputEntry], lang: str = "en") -> str:
    parts: list[str] = []
    at_line_start = True
    for entry in outputs:
        if entry.kind in ("expr", "warning", "error"):
            if not at_line_start:
                parts.append("\n")
            text = t("cli.error_line", lang, line=entry.line, message=entry.text) if entry.kind == "error" \
                else entry.text
            parts.append(text + "\n")
            at_line_start = True
        else:
            parts.append(entry.text)
            if entry.text:
                at_line_start = entry.text.endswith("\n")
    return "".join(parts)
