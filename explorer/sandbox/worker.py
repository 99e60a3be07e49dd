"""Run each program in its own short-lived process, so a runaway is killed and its memory is bounded.

A "zygote" process (`python -m explorer.sandbox.worker SOCKET`) is started once: a clean interpreter that
imports numpy, networkx and the engine, then waits on a Unix socket in a private directory. Each run
connects, and the zygote forks a child for it: the run pays for a fork (a few milliseconds), not for
imports, and gets a fresh process, so nothing a program changed (seeds, grad mode, default dtype) reaches
the next run. The child sends its pid, reads the request, sets resource limits (address space, CPU time,
no file writes), runs the program and sends the pickled RunResult back. The parent kills the child when the
hard timeout passes.

multiprocessing's own fork server is not used: it re-imports the parent's main script in every child
(for Streamlit or pytest that is their whole command-line module, ~100 ms a run, and code we do not control).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import pickle
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from explorer.sandbox.limits import Limits
from explorer.sandbox.result import ProgramError, RunResult
from explorer.text import t

# a result larger than this is refused rather than read into the server's memory
MAX_RESULT_BYTES = 512 * 2**20
PRELOAD = ("explorer.sandbox.runner", "engine", "networkx")
READY = b"ready\n"


# ----------------------------------------------------------------------------------------------------------
# framing: 8-byte big-endian length, then the bytes


def _send_message(conn: socket.socket, payload: bytes) -> None:
    conn.sendall(struct.pack("!Q", len(payload)) + payload)


def _recv_exact(conn: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks = []
    while size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            conn.settimeout(remaining)
        chunk = conn.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _recv_message(conn: socket.socket, deadline: float | None = None) -> bytes:
    (size,) = struct.unpack("!Q", _recv_exact(conn, 8, deadline))
    if size > MAX_RESULT_BYTES:
        raise EOFError
    return _recv_exact(conn, size, deadline)


# ----------------------------------------------------------------------------------------------------------
# inside the child


def apply_limits(limits: Limits) -> None:
    """Bound memory, CPU and file writes for the rest of this process's life."""
    import resource

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray warnings go nowhere (and never to a file under RLIMIT_FSIZE)
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
        # CPU: SIGXCPU at the soft limit, SIGKILL a little later; the others: soft == hard
        new_hard = value + 5 if which == resource.RLIMIT_CPU else value
        if hard != resource.RLIM_INFINITY:
            new_hard = min(new_hard, hard)
        with contextlib.suppress(ValueError, OSError):  # a tighter limit set by the host stays in force
            resource.setrlimit(which, (value, new_hard))


def _serve_one(conn: socket.socket) -> None:
    conn.sendall(struct.pack("!i", os.getpid()))
    source, overrides, lang, limits = pickle.loads(_recv_message(conn))
    apply_limits(limits)
    from explorer.sandbox.runner import run_in_process

    try:
        result = run_in_process(source, requires_grad_overrides=overrides, lang=lang, limits=limits)
    except BaseException as exc:  # whatever happened, the parent gets an answer
        message = t("limit.internal", lang, kind=type(exc).__name__)
        result = RunResult(error=ProgramError(1, 1, message, "InternalError"))
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        # the views could not be pickled: send what the user must see
        payload = pickle.dumps(RunResult(outputs=result.outputs, error=result.error, leaves=result.leaves,
                                         stats=result.stats))
    _send_message(conn, payload)


# run once in the zygote so that lazy imports and first-call set-up (printing, backward, graph export,
# pickling) are done before forking, not again in every child; no random numbers, so every child starts
# from the same generator state
WARM_UP = """import torch
import numpy as np
import torch.nn.functional as F
x = torch.tensor([1., 2.], requires_grad=True)
y = F.binary_cross_entropy_with_logits(torch.matmul(torch.ones(2, 2), x), torch.zeros(2))
y.backward()
g = torch.autograd.grad((x ** 2).sum(), x)
print(x, y, f"{y.grad_fn}", np.array([1.5]), torch.from_numpy(np.linspace(0, 1, 3)), '%.3f' % y.item())
"""


def serve(path: str) -> None:
    """The zygote's loop: accept a connection, fork a child for it, repeat while the parent lives."""
    for module in PRELOAD:
        with contextlib.suppress(ImportError):
            __import__(module)
    with contextlib.suppress(Exception):
        from explorer.sandbox.runner import run_in_process

        pickle.dumps(run_in_process(WARM_UP))
    # objects that exist now are never collected: the cycle collector will not touch (and so copy) their
    # pages in each forked child
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(1.0)
    parent = os.getppid()
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    try:
        while os.getppid() == parent:  # the server went away: so do we
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                try:
                    conn.settimeout(None)
                    _serve_one(conn)
                finally:
                    os._exit(0)
            conn.close()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


# ----------------------------------------------------------------------------------------------------------
# in the server


class Zygote:
    """Starts the zygote on first use and again if it died."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.directory: str | None = None
        self.path: str | None = None
        self.lock = threading.Lock()

    def socket_path(self) -> str:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._start()
            return self.path

    def _start(self) -> None:
        self.stop()
        self.directory = tempfile.mkdtemp(prefix="explorer-sandbox-")  # mode 0700: only we can connect
        self.path = os.path.join(self.directory, "zygote.sock")
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        # one BLAS thread: the zygote must be single-threaded to fork safely, and users share the cores
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "explorer.sandbox.worker", self.path], env=env, cwd=root,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        line = self.process.stdout.readline()  # blocks until the imports are done
        self.process.stdout.close()
        if line != READY:
            self.stop()
            raise RuntimeError("sandbox zygote did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


_zygote = Zygote()
atexit.register(_zygote.stop)


def _failure(key: str, lang: str) -> RunResult:
    return RunResult(error=ProgramError(1, 1, t(key, lang), "LimitError", "hint.limit"))


def run_isolated(source: str, *, requires_grad_overrides=None, lang: str = "en",
                 limits: Limits | None = None) -> RunResult:
    limits = limits or Limits()
    try:
        path = _zygote.socket_path()
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(10)
        conn.connect(path)
        (pid,) = struct.unpack("!i", _recv_exact(conn, 4, time.monotonic() + 10))
    except Exception:  # no worker, no run: the user gets a message, the server stays up
        return _failure("limit.worker_failed", lang)
    deadline = time.monotonic() + limits.hard_timeout_seconds
    try:
        _send_message(conn, pickle.dumps((source, requires_grad_overrides, lang, limits)))
        result = pickle.loads(_recv_message(conn, deadline))
    except Exception:  # timeout, a killed child (CPU or memory limit), a cut connection
        result = None
    finally:
        conn.close()
    if not isinstance(result, RunResult):
        # a runaway: kill it now (the zygote reaps it); one that already died is simply gone
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
        return _failure("limit.killed", lang)
    return result


if __name__ == "__main__":
    serve(sys.argv[1])
