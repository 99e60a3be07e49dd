"""Run a program in its own short-lived process, so a runaway is killed and its memory is bounded.

Workers are forked from a multiprocessing fork server that has already imported numpy, networkx and the
engine, so a run pays for a fork (a few milliseconds), not for imports. Each run gets a fresh process: no
state (random seeds, grad mode, default dtype, anything a program changed) survives into the next run.
Inside the worker, resource limits bound the address space, CPU time and file writes; outside, the parent
kills the worker when the hard timeout passes. Results come back pickled through a pipe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading

from explorer.i18n import t
from explorer.sandbox.limits import Limits
from explorer.sandbox.result import ProgramError, RunResult

_context = None
_context_lock = threading.Lock()

# what the fork server imports once, so workers start with it in memory
PRELOAD = ["explorer.sandbox.runner", "engine", "networkx"]


def _get_context():
    global _context
    with _context_lock:
        if _context is None:
            methods = multiprocessing.get_all_start_methods()
            if "forkserver" in methods:
                ctx = multiprocessing.get_context("forkserver")
                preload = list(PRELOAD)
                main = sys.modules.get("__main__")
                if getattr(main, "__file__", None) and getattr(main, "__spec__", None) is None:
                    # a script as __main__ (pytest, streamlit): import it once in the server, not per run
                    preload.insert(0, "__main__")
                ctx.set_forkserver_preload(preload)
            else:
                ctx = multiprocessing.get_context("spawn")
            _context = ctx
        return _context


def apply_limits(limits: Limits) -> None:
    """Inside the worker: bound memory, CPU and file writes for the rest of this process's life."""
    try:
        import resource
    except ImportError:  # not on POSIX: the parent's timeout is the only bound
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the program cannot write files; stray warnings go nowhere
    os.dup2(devnull, 2)
    wanted = {
        resource.RLIMIT_AS: limits.address_space_bytes,
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_FSIZE: 0,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in wanted.items():
        hard = resource.getrlimit(which)[1]
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        # CPU: SIGXCPU at the soft limit, a little later SIGKILL; the others: soft == hard
        new_hard = value + 5 if which == resource.RLIMIT_CPU else value
        if hard != resource.RLIM_INFINITY:
            new_hard = min(new_hard, hard)
        with contextlib.suppress(ValueError, OSError):  # a tighter limit set by the host stays in force
            resource.setrlimit(which, (value, new_hard))


def _worker_main(conn, source, overrides, lang, limits) -> None:
    apply_limits(limits)
    from explorer.sandbox.runner import run_in_process

    try:
        result = run_in_process(source, requires_grad_overrides=overrides, lang=lang, limits=limits)
    except BaseException as exc:
        result = RunResult(error=ProgramError(1, 1, t("limit.internal", lang, kind=type(exc).__name__),
                                              "InternalError"))
    try:
        conn.send(result)
    except Exception:
        # the views could not be pickled: send what the user must see (output and error)
        conn.send(RunResult(outputs=result.outputs, error=result.error, leaves=result.leaves,
                            stats=result.stats))
    finally:
        conn.close()


def run_isolated(source: str, *, requires_grad_overrides=None, lang: str = "en",
                 limits: Limits | None = None) -> RunResult:
    limits = limits or Limits()
    ctx = _get_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker_main, args=(sender, source, requires_grad_overrides, lang, limits),
                          daemon=True)
    try:
        process.start()
    except Exception as exc:  # no worker, no run; the user gets a message, the server stays up
        message = t("limit.worker_failed", lang)
        return RunResult(error=ProgramError(1, 1, message, "LimitError", type(exc).__name__))
    sender.close()
    result = None
    try:
        if receiver.poll(limits.hard_timeout_seconds):
            result = receiver.recv()
    except (EOFError, OSError):
        result = None
    finally:
        receiver.close()
        if process.is_alive():
            process.join(0.5)
        if process.is_alive():
            process.kill()
        process.join(5)
    if not isinstance(result, RunResult):
        key = "limit.killed"
        return RunResult(error=ProgramError(1, 1, t(key, lang), "LimitError", "hint.limit"))
    return result
