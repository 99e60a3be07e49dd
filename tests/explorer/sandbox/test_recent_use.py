"""A session's recent processor use sets its next run's priority (explorer/sandbox/recent_use.py): the use decays
by half every HALF_LIFE_SECONDS; above BUSY_SECONDS the run starts niced. The worker reports what each run used and
starts the run at the niceness asked for; a run the server stopped is charged the time it ran."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import uuid

import pytest

from explorer.sandbox import Limits, run_program
from explorer.sandbox.limits import DEMOTED_NICENESS
from explorer.sandbox.recent_use import BUSY_SECONDS, HALF_LIFE_SECONDS, RecentUse
from explorer.sandbox.worker import _zygote
from explorer.ui import cache

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="/proc and fork")


def test_use_decays_by_half_every_half_life():
    use = RecentUse(at=0.0)
    use.charge(2.0, now=0.0)
    assert use.used(now=0.0) == pytest.approx(2.0)
    assert use.used(now=HALF_LIFE_SECONDS) == pytest.approx(1.0)
    assert use.used(now=2 * HALF_LIFE_SECONDS) == pytest.approx(0.5)
    use.charge(0.5, now=2 * HALF_LIFE_SECONDS)  # what is left, plus the new run
    assert use.used(now=2 * HALF_LIFE_SECONDS) == pytest.approx(1.0)


def test_a_busy_session_starts_its_next_run_niced_until_its_use_decays():
    use = RecentUse(at=0.0)
    assert use.niceness(now=0.0) == 0
    for run in range(4):  # four runs of 0.4 s, one a second: a loop stopped by the step budget, again and again
        use.charge(0.4, now=float(run))
    assert use.used(now=3.0) > BUSY_SECONDS
    assert use.niceness(now=3.0) == DEMOTED_NICENESS
    assert use.niceness(now=3.0 + 2 * HALF_LIFE_SECONDS) == 0  # a minute's pause later it is back at the front


def test_a_student_running_a_lesson_every_few_seconds_stays_at_full_priority():
    use = RecentUse(at=0.0)
    for run in range(100):  # 0.15 s of processor time every 3 s, for five minutes
        use.charge(0.15, now=3.0 * run)
        assert use.niceness(now=3.0 * run) == 0


def test_nothing_negative_is_charged_and_time_never_runs_backwards():
    use = RecentUse(at=10.0)
    use.charge(-5.0, now=10.0)
    assert use.used(now=10.0) == 0.0
    use.charge(1.0, now=10.0)
    assert use.used(now=5.0) == pytest.approx(1.0)  # a clock read before the charge: no growth


@linux_only
def test_the_worker_reports_the_processor_time_a_run_used():
    result = run_program("x = 0\nfor i in range(20000):\n    x = x + i\nprint(x)\n")
    assert result.error is None
    assert 0.0 < result.stats["cpu_seconds"] < 30.0


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def _niceness(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])


@linux_only
@pytest.mark.timeout(120)
@pytest.mark.parametrize("niceness", [0, DEMOTED_NICENESS])
def test_a_run_starts_at_the_niceness_asked_for(niceness):
    run_program("print(1)")  # the zygote is up
    zygote = _zygote.process.pid
    before = set(_children(zygote))
    # a loop of about a second: read the niceness in its first tenth of a second, before a run that has used half
    # a second of processor time is demoted
    program = "x = 0\nfor i in range(500000):\n    x = x + 1\n"
    limits = Limits(niceness=niceness, statements=10**7, wall_seconds=30, cpu_seconds=30, hard_timeout_seconds=60)
    done = threading.Thread(target=run_program, args=(program,), kwargs={"limits": limits})
    done.start()
    seen = []
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline and done.is_alive():
        seen = [pid for pid in _children(zygote) if pid not in before]
        time.sleep(0.01)
    assert seen, "the run's process was not seen"
    # the child sets its niceness as it starts: read it until it shows the one asked for (a loaded machine can
    # take a while to get there), and never anything between
    observed = []
    while done.is_alive() and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            observed.append(_niceness(seen[0]))
        if observed and observed[-1] == niceness and (niceness or len(observed) >= 20):
            break  # (at full priority: a tenth of a second of readings, none of them niced)
        time.sleep(0.005)
    done.join()
    assert observed and observed[-1] == niceness, observed
    assert set(observed) <= {0, niceness}


@linux_only
@pytest.mark.timeout(120)
def test_a_run_the_server_stopped_is_charged_the_time_it_ran():
    loop = "x = 0\nwhile True:\n    x += 1\n"
    limits = Limits(statements=10**12, wall_seconds=1000, cpu_seconds=1000, hard_timeout_seconds=1.0)
    result = run_program(loop, limits=limits)
    assert result.error is not None and result.error.kind == "Stopped"
    assert result.stats["cpu_seconds"] >= 1.0


def test_the_cache_charges_a_session_for_a_run_it_made_and_not_for_one_it_found(monkeypatch):
    asked = []

    def fake_run(program, *, requires_grad_overrides, lang, limits=None):
        asked.append(limits)
        return run_program(program, requires_grad_overrides=requires_grad_overrides, lang=lang, isolated=False)

    monkeypatch.setattr(cache.sandbox, "run_program", fake_run)
    program = f"# {uuid.uuid4()}\nprint(1)\n"
    use = RecentUse()
    use.charge(5.0)
    cache.run(program, (), "en", recent=use)
    assert asked[-1].niceness == DEMOTED_NICENESS  # a busy session's run starts niced
    charged = use.seconds
    cache.run(program, (), "en", recent=use)
    assert len(asked) == 1 and use.seconds == charged  # from the cache: no run, no charge
    idle = RecentUse()
    cache.run(f"# {uuid.uuid4()}\nprint(2)\n", (), "en", recent=idle)
    assert asked[-1].niceness == 0


@linux_only
def test_a_worker_run_through_the_cache_charges_its_processor_time():
    use = RecentUse()
    cache.run(f"# {uuid.uuid4()}\nx = sum(range(10000))\n", (), "en", recent=use)
    assert use.used() > 0.0
