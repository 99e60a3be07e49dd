"""Start the app as the README does (`streamlit run explorer/app.py`) on a free port, for browser tests.

Also: the server's memory (its own resident set plus its worker processes'), read from /proc, and a
Chromium launcher that uses Debian's chromium (no browser download).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> AppServer:
        command = [sys.executable, "-m", "streamlit", "run", "explorer/app.py",
                   "--server.port", str(self.port), "--server.headless", "true",
                   "--server.address", "127.0.0.1"]
        # its own session, so stop() can end the server and the workers it started, and nothing else
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/_stcore/health",
                                                                      timeout=2) as reply:
                if reply.status == 200:
                    return self
            if self.process.poll() is not None:
                raise RuntimeError("the Streamlit server exited while starting")
            time.sleep(0.3)
        self.stop()
        raise TimeoutError("the Streamlit server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)

    def memory_mb(self) -> float:
        """Resident memory of the server and every process below it (fork server, workers), in MB."""
        if self.process is None:
            return 0.0
        return sum(_rss_kb(pid) for pid in _tree(self.process.pid)) / 1024


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out.extend(int(p) for p in (task / "children").read_text().split())
    return out


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(_children(current))
    return pids


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory in kB (`field` "VmHWM": its peak), 0 once it has gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0
