"""Run pasted PyTorch programs safely: an allow-list interpreter over `ast`, budgets, and worker processes.

`run_program(source)` is the one entry point the app and the command line use; `Interpreter` and
`run_in_process` are for tests and trusted callers. The descent demo's loss goes through the same interpreter
and limits (`loss_check.check_loss`, `Interpreter.evaluate`).

Modules: program_check (what a program may be, before it runs), loss_check (the same for a loss), allow_lists
(every name a program may reach), interpreter, with its parts for the program's own classes (classes),
generators (generators) and exceptions (exceptions), values (the stand-ins a program holds for functions,
classes, modules and generators), result_sizes (a call's result size, predicted before it runs), limits (the
budgets), notebook (pasted notebooks to programs, and how their cells run), display (which bare expressions
show their value, and how: as Python's prompt for a program, as Jupyter for a notebook), runner (one run in
this process: recorder, views, layouts), worker (one run in a forked, resource-limited process), result (what
a run returns).
"""

from __future__ import annotations

import dataclasses

from explorer.sandbox.interpreter import Interpreter
from explorer.sandbox.limits import Limits
from explorer.sandbox.notebook import extract_program
from explorer.sandbox.result import LeafInfo, OutputEntry, ProgramError, RunResult, TensorInfo, render_outputs
from explorer.sandbox.runner import run_in_process
from explorer.sandbox.worker import run_isolated

__all__ = [
    "Interpreter", "LeafInfo", "Limits", "OutputEntry", "ProgramError", "RunResult", "TensorInfo",
    "render_outputs", "run_in_process", "run_isolated", "run_program",
]


def run_program(source: str, *, requires_grad_overrides: dict[str, bool] | None = None, lang: str = "en",
                isolated: bool = True, limits: Limits | None = None) -> RunResult:
    """Run a user's program and return what the views need. Never raises for anything the program does.

    A pasted notebook (text with "In [n]:" cells, or markdown with ```python blocks) runs as its code cells, as
    Jupyter runs them (each shows the value of its last expression; one that raises shows its error in the output
    and is listed in `result.cell_errors`, and the next cell runs); every line number in the result then refers
    to the pasted text, and `result.notebook_cells` says how many cells ran. A plain program shows the value of
    each bare expression, as Python's prompt does, and stops at its first error (`result.error`)."""
    extracted = extract_program(source)
    program = source if extracted is None else extracted.program
    cells = None if extracted is None else extracted.plan()
    run = run_isolated if isolated else run_in_process
    result = run(program, requires_grad_overrides=requires_grad_overrides, lang=lang, limits=limits, cells=cells)
    if extracted is not None:
        _to_pasted_lines(result, extracted)
    return result


def _to_pasted_lines(result: RunResult, extracted) -> None:
    original = extracted.original_line
    result.outputs = [dataclasses.replace(entry, line=original(entry.line)) for entry in result.outputs]
    result.leaves = [dataclasses.replace(leaf, line=original(leaf.line)) for leaf in result.leaves]
    for error in result.errors:
        if error.line is not None:
            error.line = original(error.line)
    result.notebook_cells = len(extracted.cells)
