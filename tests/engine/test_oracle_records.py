"""Run every PyTorch 2.13 oracle record on our engine and compare printed text and errors exactly.

The records (tests/oracle/records.json) were made by tests/oracle/make_records.py with the real torch;
here the same snippets run with `torch` bound to `engine`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest

ORACLE_DIR = Path(__file__).resolve().parents[1] / "oracle"


def _load_make_records():
    # tests/oracle is data plus a script, not a package; load the script by path
    spec = importlib.util.spec_from_file_location("make_records", ORACLE_DIR / "make_records.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_records = _load_make_records()
RECORDS = json.loads(make_records.RECORDS_PATH.read_text(encoding="utf-8"))["records"]


def load_engine():
    # imported when a case runs, so that the record checks below work even while the engine is broken
    engine = importlib.import_module("engine")
    return engine, importlib.import_module("engine.nn.functional")


def reset_engine_state() -> None:
    engine, _ = load_engine()
    engine.manual_seed(0)
    engine.set_grad_enabled(True)
    set_printoptions = getattr(engine, "set_printoptions", None)
    if set_printoptions is not None:
        set_printoptions(profile="default")


@pytest.fixture
def fresh_engine():
    reset_engine_state()
    yield
    # a failing case must not leave no_grad or print options behind for the next one
    reset_engine_state()


ENGINE_DIR = Path(__file__).resolve().parents[2] / "engine"


def run_on_engine(code: str) -> tuple[str, dict | None, str]:
    """Stdout (normalised), error record, and the traceback text for the failure message. Numpy's warnings
    must not come out of the engine (PyTorch computes inf and nan silently)."""
    engine, engine_functional = load_engine()
    namespace = {"torch": engine, "F": engine_functional, "np": np}
    buffer = io.StringIO()
    error = None
    trace = ""
    with contextlib.redirect_stdout(buffer), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(code, "<oracle case>", "exec"), namespace)
        except Exception as exc:  # compared with the recorded error below
            error = {"type": type(exc).__name__, "message": make_records.normalise(str(exc))}
            trace = traceback.format_exc()
    numpy_warnings = [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
                      if issubclass(w.category, RuntimeWarning) and Path(w.filename).is_relative_to(ENGINE_DIR)]
    assert not numpy_warnings, "numpy warned inside the engine:\n" + "\n".join(numpy_warnings)
    return make_records.normalise(buffer.getvalue()), error, trace


def test_records_cover_every_group():
    counts: dict[str, int] = {}
    for record in RECORDS:
        counts[record["group"]] = counts.get(record["group"], 0) + 1
    assert set(counts) == {"printing", "ops", "graph", "errors", "seeds", "rng", "joining", "registry", "api",
                           "tensor_ops", "nn", "optim"}
    assert len(RECORDS) >= 250
    assert counts["errors"] >= 30
    assert len({record["id"] for record in RECORDS}) == len(RECORDS)


# Records printing full-precision float32 results of kernels whose rounding is the math library's choice:
# PyTorch's float32 sqrt (its vectorised library rounds some results up, numpy's is IEEE-exact) and the
# summation order inside a BLAS matmul and a float32 norm. The text must match exactly except that a float
# may differ by a float32 rounding step (relative 2.4e-7); everything else in these records is still exact.
LAST_BIT_ONLY = {
    "ops/float32_rounding": "torch's float32 sqrt rounds differently from IEEE sqrt on some inputs",
    "ops/float32_reduction_values": "BLAS and norm summation order",
    "ops/more_unary_functions": "PyTorch's vectorised float32 sinh, cosh, tan, asin, acos, atan and exp2 (Sleef, "
                                "1-ulp accurate) differ from the correctly rounded values in 0.03-18% of inputs",
}
_FLOAT = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
# Matrix products (and bmm, einsum): the engine sums small ones over k in order (engine.numerics.matmul_in_order),
# which is PyTorch's (MKL's) order for every vector @ matrix and most small matrix products, but not for all: MKL's
# matrix @ vector kernels block their sums in ways not replayed here, and larger products go to numpy's BLAS,
# whose kernels depend on the CPU. Records that use products or norms must match exactly, or differ only by
# those last bits: a float32 rounding step, which a 4-decimal print may show as one unit in its last digit.
_BLAS_CODE = re.compile(r"@|matmul|\.mm\(|\.mv\(|\.dot\(|linear|norm|bmm|einsum|cosine_similarity|pairwise_distance")


def _assert_same_but_last_float32_bit(got: str, want: str, context: str) -> None:
    assert _FLOAT.sub("#", got) == _FLOAT.sub("#", want), f"printed text differs beyond numbers{context}"
    for g, w in zip(_FLOAT.findall(got), _FLOAT.findall(want)):
        mantissa = w.split("e")[0]
        last_digit = 10.0 ** -len(mantissa.split(".")[1]) * (10.0 ** int(w.split("e")[1]) if "e" in w else 1)
        # (a printed digit of 4-decimal text is far coarser than the bit; 17-digit text keeps the bit's size)
        allowed = max(2.4e-7 * abs(float(w)), 1.01 * last_digit if len(mantissa) < 12 else 0, 1e-30)
        assert abs(float(g) - float(w)) <= allowed, f"{g} vs {w}{context}"


@pytest.mark.usefixtures("fresh_engine")
@pytest.mark.parametrize("record", RECORDS, ids=[record["id"] for record in RECORDS])
def test_engine_matches_torch(record):
    stdout, error, trace = run_on_engine(record["code"])
    expected_error = record["error"]
    context = f"\n--- code ---\n{record['code']}"
    if expected_error is None and error is not None:
        pytest.fail(f"engine raised where torch did not:{context}\n--- engine traceback ---\n{trace}")
    if record["id"] in LAST_BIT_ONLY or (stdout != record["stdout"] and _BLAS_CODE.search(record["code"])):
        _assert_same_but_last_float32_bit(stdout, record["stdout"], context)
    else:
        assert stdout == record["stdout"], f"printed text differs{context}"
    if expected_error is not None:
        assert error is not None, f"torch raised {expected_error['type']}, engine did not{context}"
        assert error == expected_error, f"error differs{context}\n--- engine traceback ---\n{trace}"


@pytest.mark.slow
def test_records_are_current_with_torch():
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13.0"):
        pytest.skip(f"records come from torch 2.13.0, installed is {torch.__version__}")
    fresh = make_records.make_records()
    assert [record["id"] for record in fresh["records"]] == [record["id"] for record in RECORDS]
    for new, old in zip(fresh["records"], RECORDS):
        assert new == old, f"record {old['id']} is stale: rerun tests/oracle/make_records.py"
    # the committed file is also byte-for-byte what the script writes (layout, key order)
    stored = make_records.RECORDS_PATH.read_text(encoding="utf-8")
    stored_version = json.loads(stored)["torch_version"]
    assert make_records.dumps({**fresh, "torch_version": stored_version}) == stored
