"""How much processor time a session's runs used lately, and the priority its next run starts at.

A class shares the server's cores. A session that keeps them busy (a loop that runs until a budget stops it,
again and again) slows every other session's runs. The worker lowers a run's priority once it has used half a
second of processor time (worker.DEMOTE_AFTER_CPU_SECONDS), but that only catches a long run: a session whose
every run stops just short of it, or is refused quickly, stays at full priority.

So the server remembers each session's recent use, decaying by half every HALF_LIFE_SECONDS (as Unix's schedulers
decay a process's use), and a session above BUSY_SECONDS of it starts its next run niced
(limits.DEMOTED_NICENESS). A student who runs a lesson every few seconds stays well below; the niceness changes
nothing on a quiet server, where a niced run still gets a free core.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from explorer.sandbox.limits import DEMOTED_NICENESS

HALF_LIFE_SECONDS = 10.0
# a seed lesson's run uses 0.05 to 0.3 s in the worker (the run, its layouts and pictures): a run every three
# seconds settles near 0.1 s / 3 s x 14.4 s = 0.5 s
BUSY_SECONDS = 1.0


@dataclass
class RecentUse:
    """A session's processor time, as it decays: `charge` what a run used, ask `niceness` before the next."""

    seconds: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def used(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return self.seconds * 0.5 ** (max(0.0, now - self.at) / HALF_LIFE_SECONDS)

    def charge(self, seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.seconds = self.used(now) + max(0.0, seconds)
        self.at = now

    def niceness(self, now: float | None = None) -> int:
        return DEMOTED_NICENESS if self.used(now) > BUSY_SECONDS else 0
