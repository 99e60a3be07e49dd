"""What the sandbox costs: each program run (a) directly on the engine (`import torch` mapped to `engine`,
plain Python), (b) through the interpreter alone, (c) through `run_program(isolated=False)` (interpreter plus
graph capture, backward traces and the views' graphs), (d) through `run_program(isolated=True)` (all that in
a forked worker process). Batches are interleaved; medians are printed with ratios to (a).

    python benchmarks/sandbox_overhead.py [--repeats N]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from explorer.sandbox import Interpreter, run_program  # noqa: E402


def load_programs() -> dict[str, str]:
    seeds_path = ROOT / "tests/explorer/sandbox/test_sandbox_seeds.py"
    spec = importlib.util.spec_from_file_location("seed_programs", seeds_path)
    seeds = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seeds)
    interp_tests = importlib.util.spec_from_file_location(
        "interp_programs", ROOT / "tests/explorer/sandbox/test_sandbox_interpreter.py")
    programs = importlib.util.module_from_spec(interp_tests)
    interp_tests.loader.exec_module(programs)
    return {
        "seed 001 (BCE, SGD, eye)": seeds.SEED_001,
        "seed 003 (prints)": seeds.SEED_003,
        "seed 004 tail (grad, norm, 2 descents)": seeds.SEED_004_TAIL,
        "descent loop, 100 steps": programs.DESCENT,
        "MLP step 64x784->128->10": programs.MLP_STEP,
    }


ENGINE_MODULES = {
    "torch": "engine", "torch.nn": "engine.nn", "torch.nn.functional": "engine.nn.functional",
    "torch.autograd": "engine.autograd", "torch.autograd.functional": "engine.autograd.functional",
    "torch.optim": "engine.optim",
}


@contextlib.contextmanager
def engine_as_torch():
    """`import torch` in directly run code gets the engine (restoring whatever torch was imported before)."""
    saved = {name: sys.modules.get(name) for name in ENGINE_MODULES}
    for name, target in ENGINE_MODULES.items():
        sys.modules[name] = importlib.import_module(target)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run_direct(program: str) -> None:
    # our own fixed benchmark programs, run as plain Python for the baseline (seed 000/004 raise)
    with engine_as_torch(), contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(RuntimeError):
        exec(compile(program, "<benchmark>", "exec"), {"__name__": "benchmark"})


def run_interpreter_only(program: str) -> None:
    # programs that end in an error are timed up to it, as the other runs are
    with contextlib.suppress(Exception):
        Interpreter(engine).run(program)
    engine.set_grad_enabled(True)


def run_in_process(program: str) -> None:
    run_program(program, isolated=False)


def run_isolated(program: str) -> None:
    run_program(program, isolated=True)


WAYS = {"direct": run_direct, "interpreter": run_interpreter_only, "in-process": run_in_process,
        "isolated": run_isolated}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    programs = load_programs()
    run_isolated("x = 1")  # start the fork server once, outside the timings
    for way in WAYS.values():  # warm imports and caches
        for program in programs.values():
            way(program)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.repeats):
        for label, program in programs.items():
            for name, way in WAYS.items():
                start = time.perf_counter()
                way(program)
                times.setdefault((label, name), []).append(time.perf_counter() - start)
    columns = " ".join(f"{n + ' ms (x)':>22s}" for n in list(WAYS)[1:])
    header = f"{'program':40s} {'direct ms':>10s} " + columns
    print(header)
    print("-" * len(header))
    for label in programs:
        base = statistics.median(times[(label, "direct")])
        cells = []
        for name in list(WAYS)[1:]:
            t = statistics.median(times[(label, name)])
            cells.append(f"{t * 1e3:12.1f} ({t / base:5.2f}x)")
        print(f"{label:40s} {base * 1e3:10.1f} " + " ".join(f"{c:>22s}" for c in cells))
    print("\nisolated - in-process = worker start, result pickling and transfer; "
          "in-process - interpreter = capture, traces and graph export.")


if __name__ == "__main__":
    main()
