"""Run pasted PyTorch programs safely: an allow-list interpreter over `ast`, budgets, and worker processes.

`run_program(source)` is the one entry point the app and the command line use; `Interpreter` and
`run_in_process` are for tests and trusted callers.
"""

from __future__ import annotations

from explorer.sandbox.interpreter import Interpreter
from explorer.sandbox.limits import Limits
from explorer.sandbox.result import LeafInfo, OutputEntry, ProgramError, RunResult, TensorInfo, render_outputs
from explorer.sandbox.runner import run_in_process
from explorer.sandbox.worker import run_isolated, start_worker

__all__ = [
    "Interpreter", "LeafInfo", "Limits", "OutputEntry", "ProgramError", "RunResult", "TensorInfo",
    "render_outputs", "run_in_process", "run_isolated", "run_program", "start_worker",
]


def run_program(source: str, *, requires_grad_overrides: dict[str, bool] | None = None, lang: str = "en",
                isolated: bool = True, limits: Limits | None = None) -> RunResult:
    """Run a user's program and return what the views need. Never raises for anything the program does."""
    if isolated:
        return run_isolated(source, requires_grad_overrides=requires_grad_overrides, lang=lang, limits=limits)
    return run_in_process(source, requires_grad_overrides=requires_grad_overrides, lang=lang, limits=limits)
