"""Run each program in its own short-lived process, so a runaway is killed and its memory is bounded.

A "zygote" process (`python -m explorer.sandbox.worker SOCKET`) is started once: a clean interpreter that
imports numpy, networkx and the engine, then waits on a Unix socket in a private directory. Each run
connects, and the zygote forks a child for it: the run pays for a fork (a few milliseconds), not for
imports, and gets a fresh process, so nothing a program changed (seeds, grad mode, default dtype) reaches
the next run. The child sends its pid, reads the request, sets resource limits (address space, CPU time,
no file writes), runs the program and sends the pickled RunResult back.

Faults heal without a restart of the server: a monitor thread pings the zygote every half second and replaces
it when it died or stopped answering (a hung or killed zygote is replaced within about a second and a half);
a run whose child hangs (stopped), dies (killed, crashed, over its CPU time) or outlives the hard timeout is
ended, and its user is told the server stopped it, with no line of the program blamed (ProgramError.stopped).
The zygote reaps its children and remembers how each ended, so the server can say which of these happened.

multiprocessing's own fork server is not used: it re-imports the parent's main script in every child
(for Streamlit or pytest that is their whole command-line module, ~100 ms a run, and code we do not control).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import math
import os
import pickle
import resource
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

from explorer.sandbox import limits as sandbox_limits
from explorer.sandbox.limits import Limits
from explorer.sandbox.result import ProgramError, RunResult
from explorer.text import t

# the most a run's result may take: past it the worker sends only the output (RunResult.essentials), and the
# server refuses anything larger rather than read it into its memory
MAX_RESULT_BYTES = 32 * 2**20
PRELOAD = ("explorer.sandbox.runner", "engine", "networkx")
READY = b"ready\n"
# the first byte a connection sends the zygote: run a program (fork a child), answer a ping, or say how a
# child ended
RUN, PING, STATUS = b"r", b"p", b"s"
PONG = b"ok"
PING_EVERY = 0.5  # seconds between the monitor's pings
PING_TIMEOUT = 1.0  # a zygote that does not answer a ping within this is hung
PID_TIMEOUT = 3.0  # a run's child that does not say its pid within this: the zygote is stuck, replace it
POLL_SECONDS = 0.25  # how often a waiting run looks at its child's state
EXITS_KEPT = 512  # how many children's exit statuses the zygote remembers
# a run that has used this much processor time is niced (limits.DEMOTED_NICENESS): on a busy server the class's
# short runs go first, and a long run still gets the cores when they are free
DEMOTE_AFTER_CPU_SECONDS = 0.5


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
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray warnings go nowhere (and never to a file under RLIMIT_FSIZE)
    os.dup2(devnull, 2)
    mapped = sandbox_limits.address_space_bytes() or 0
    wanted = {
        resource.RLIMIT_AS: mapped + limits.memory_bytes + limits.address_margin_bytes,
        resource.RLIMIT_CPU: math.ceil(limits.cpu_seconds + limits.hard_margin_seconds),
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
    source, overrides, lang, limits, cells = pickle.loads(_recv_message(conn))
    apply_limits(limits)
    sandbox_limits.set_niceness(limits.niceness)
    sandbox_limits.INTERRUPTS = True  # this process is the run's own: its timers may interrupt the program
    sandbox_limits.DEMOTE_AFTER_CPU_SECONDS = DEMOTE_AFTER_CPU_SECONDS
    from explorer.sandbox.runner import run_in_process

    try:
        result = run_in_process(source, requires_grad_overrides=overrides, lang=lang, limits=limits, cells=cells)
    except BaseException as exc:  # whatever happened, the parent gets an answer
        message = t("limit.internal", lang, kind=type(exc).__name__)
        result = RunResult(error=ProgramError(1, 1, message, "InternalError"))
    used = resource.getrusage(resource.RUSAGE_SELF)
    result.stats["cpu_seconds"] = used.ru_utime + used.ru_stime  # what the session is charged (recent_use.py)
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        payload = b""
    if not payload or len(payload) > MAX_RESULT_BYTES:
        # the views could not be pickled, or they are too big for the server to hold: send what the user
        # must see (the output, the error, the checkboxes), and say that the pictures were left out
        payload = pickle.dumps(result.essentials(), protocol=pickle.HIGHEST_PROTOCOL)
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


def _process_state(pid: int) -> str | None:
    """The kernel's one-letter state of a process ("R", "S", "T" stopped, "Z" zombie), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2:][:1].decode()  # after "pid (name) "


class _Exits:
    """The zygote's record of how its children ended, filled by its SIGCHLD handler."""

    def __init__(self):
        self.statuses: dict[int, int] = {}

    def reap(self, *_):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.statuses[pid] = status
            while len(self.statuses) > EXITS_KEPT:
                del self.statuses[next(iter(self.statuses))]

    def answer(self, pid: int) -> bytes:
        """b"" while the child runs (or is unknown), else its wait status as text."""
        status = self.statuses.pop(pid, None)
        return b"" if status is None else str(status).encode()


def serve(path: str) -> None:
    """The zygote's loop: accept a connection, fork a child for a run (or answer a ping or a status question),
    repeat while the parent lives."""
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
    exits = _Exits()
    signal.signal(signal.SIGCHLD, exits.reap)
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
            try:
                conn.settimeout(1.0)
                command = conn.recv(1)
                if command == PING:
                    conn.sendall(PONG)
                elif command == STATUS:
                    (pid,) = struct.unpack("!i", _recv_exact(conn, 4, time.monotonic() + 1.0))
                    _send_message(conn, exits.answer(pid))
                elif command == RUN:
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        try:
                            conn.settimeout(None)
                            _serve_one(conn)
                        finally:
                            os._exit(0)
            except (OSError, EOFError, TimeoutError, struct.error):
                pass  # a server that went away mid-question: it asks again
            finally:
                conn.close()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


# ----------------------------------------------------------------------------------------------------------
# in the server


class Zygote:
    """Starts the zygote on first use, watches it, and replaces it when it died or hung."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.directory: str | None = None
        self.path: str | None = None
        self.lock = threading.Lock()
        self.replacements = 0  # how many times a dead or hung zygote was replaced (for benchmarks and tests)
        self._monitor: threading.Thread | None = None
        self._closing = False

    def socket_path(self) -> str:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                if self.process is not None:
                    self.replacements += 1
                self._start()
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name="sandbox-zygote-monitor", daemon=True)
                self._monitor.start()
            return self.path

    def replace(self, process: subprocess.Popen | None) -> None:
        """Replace the zygote if it is still `process` (someone else may have replaced it already)."""
        with self.lock:
            if self.process is process and not self._closing:
                self.replacements += 1
                self._start()

    def ask(self, command: bytes, payload: bytes = b"", timeout: float = PING_TIMEOUT) -> bytes:
        """Send the zygote a question (PING, STATUS) and return its answer; raises when it does not answer."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(self.path)
            conn.sendall(command + payload)
            if command == PING:
                return _recv_exact(conn, len(PONG), deadline)
            return _recv_message(conn, deadline)

    def healthy(self) -> bool:
        process = self.process
        if process is None or process.poll() is not None:
            return False
        if _process_state(process.pid) in ("T", "t", "Z", "X"):
            return False
        try:
            return self.ask(PING) == PONG
        except (OSError, EOFError, TimeoutError):
            return False

    def _watch(self) -> None:
        while not self._closing:
            time.sleep(PING_EVERY)
            process = self.process
            if process is not None and not self._closing and not self.healthy():
                with contextlib.suppress(Exception):  # a failed start is retried at the next look
                    self.replace(process)

    def _start(self) -> None:
        self._stop_process()
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
            self._stop_process()
            raise RuntimeError("sandbox zygote did not start")

    def _stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def stop(self) -> None:
        self._closing = True
        with self.lock:
            self._stop_process()


_zygote = Zygote()
atexit.register(_zygote.stop)


def _stopped(key: str, lang: str, **params) -> RunResult:
    """The server ended the run: no line of the program is blamed."""
    return RunResult(error=ProgramError(None, 0, t(key, lang, **params), "Stopped"))


def _connect(lang: str):
    """(connection, child pid) for a new run; replaces a zygote that does not fork within PID_TIMEOUT."""
    for _attempt in range(2):
        process = None
        try:
            path = _zygote.socket_path()
            process = _zygote.process
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(PID_TIMEOUT)
            conn.connect(path)
            conn.sendall(RUN)
            (pid,) = struct.unpack("!i", _recv_exact(conn, 4, time.monotonic() + PID_TIMEOUT))
            return conn, pid
        except Exception:
            with contextlib.suppress(Exception):
                conn.close()
            with contextlib.suppress(Exception):
                _zygote.replace(process)
    return None, None


def _how_it_ended(pid: int, lang: str, limits: Limits) -> RunResult:
    """The message for a child that closed its connection without a result, from its exit status."""
    status = None
    deadline = time.monotonic() + 1.0
    while status is None and time.monotonic() < deadline:  # the zygote reaps it a moment after it closed
        with contextlib.suppress(Exception):
            answer = _zygote.ask(STATUS, struct.pack("!i", pid))
            if answer:
                status = int(answer)
                break
        time.sleep(0.02)
    if status is not None and os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return _stopped("server.cpu_time", lang, seconds=f"{limits.cpu_seconds:g}")
        if number == signal.SIGKILL:
            return _stopped("server.worker_died", lang, how=t("server.how_killed", lang))
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        return _stopped("server.worker_died", lang, how=t("server.how_signal", lang, signal=name))
    return _stopped("server.worker_died", lang, how=t("server.how_unknown", lang))


def _wait_for_result(conn: socket.socket, pid: int, deadline: float):
    """The child's pickled result, or "hung" / "timeout" / "closed"."""
    while True:  # wait for the first byte, looking at the child between waits
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        conn.settimeout(min(POLL_SECONDS, remaining))
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except TimeoutError:
            if _process_state(pid) in ("T", "t"):
                return "hung"
            continue
        except OSError:
            return "closed"
        if not first:
            return "closed"
        break
    try:
        payload = _recv_message(conn, deadline)
        result = pickle.loads(payload)
        if isinstance(result, RunResult):
            result.stats["result_bytes"] = len(payload)  # what the server's cache counts it as
        return result
    except TimeoutError:
        return "timeout"
    except Exception:
        return "closed"


def run_isolated(source: str, *, requires_grad_overrides=None, lang: str = "en",
                 limits: Limits | None = None, cells=None) -> RunResult:
    """`run_in_process` in a child of the zygote (`cells`: a pasted notebook's explorer.sandbox.notebook.CellPlan)."""
    limits = limits or Limits()
    conn, pid = _connect(lang)
    if conn is None:  # no worker, no run: the user gets a message, the server stays up
        return _stopped("server.no_worker", lang)
    began = time.monotonic()
    deadline = began + limits.hard_timeout_seconds
    try:
        _send_message(conn, pickle.dumps((source, requires_grad_overrides, lang, limits, cells)))
        outcome = _wait_for_result(conn, pid, deadline)
    except OSError:
        outcome = "closed"
    finally:
        conn.close()
    if isinstance(outcome, RunResult):
        return outcome
    if outcome in ("hung", "timeout"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)  # the zygote reaps it
        if outcome == "hung":
            stopped = _stopped("server.worker_hung", lang)
        else:
            stopped = _stopped("server.timeout", lang, seconds=f"{limits.hard_timeout_seconds:g}")
    else:
        stopped = _how_it_ended(pid, lang, limits)
    # the child could not say what processor time it used: charge the session the time it ran, at most that
    stopped.stats["cpu_seconds"] = time.monotonic() - began
    return stopped


if __name__ == "__main__":
    serve(sys.argv[1])
