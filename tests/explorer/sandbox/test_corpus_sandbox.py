"""Every lesson program of tests/corpus/programs runs unchanged through the sandbox, as the app runs it
(`explorer.sandbox.run_program`: the worker process, the interpreter, the budgets), and prints, warns and
fails as PyTorch 2.13 did (tests/corpus/corpus_records.json).

The comparison is the one tests/engine/test_corpus_engine.py makes on the engine itself (same normalisation
of addresses, same last-bit tolerance for programs that multiply matrices): the printed text, the warnings
(category and message, in order), the error the program ends in (its one-line message), and the order of all
three. What a notebook would also show of bare expressions (`torch.manual_seed(0)` on a line of its own) is not
compared: the records are of scripts, which show nothing there.

A program that fails on the engine itself (KNOWN_ENGINE_GAPS of the engine test, each with its reason) is a
strict xfail here too, so that fixing the engine makes both tests report it. No program may fail in the
sandbox alone.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from explorer.sandbox import run_program

TESTS_DIR = Path(__file__).resolve().parents[2]


def _load_script(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


engine_corpus = _load_script("_engine_corpus_test", TESTS_DIR / "engine" / "test_corpus_engine.py")
corpus = engine_corpus.corpus
RECORDS_BY_ID = engine_corpus.RECORDS_BY_ID
PROGRAMS = engine_corpus.PROGRAMS

# programs that fail in the sandbox but not on the engine: none (a gap of the sandbox is fixed, not listed)
SANDBOX_GAPS: dict[str, str] = {}


def _gaps() -> dict[str, str]:
    return {**engine_corpus.KNOWN_ENGINE_GAPS, **SANDBOX_GAPS}


def sandbox_transcript(result) -> list[dict]:
    """The run's output as the records write a transcript: stdout chunks, warnings, then the error."""
    entries: list[dict] = []
    for entry in result.outputs:
        if entry.kind == "print":
            text = corpus.normalise(entry.text)
            if not text:
                continue
            if entries and entries[-1]["kind"] == "stdout":
                entries[-1]["text"] += text
            else:
                entries.append({"kind": "stdout", "text": text})
        elif entry.kind == "warning":
            category, _, message = entry.text.partition(": ")
            entries.append({"kind": "warning", "category": category, "message": corpus.normalise(message)})
    if result.error is not None:
        _kind, _, message = result.error.message.partition(": ")
        entries.append({"kind": "error", "type": result.error.kind, "message": corpus.normalise(message),
                        "text": result.error.message})
    return entries


def _program_params():
    gaps = _gaps()
    params = []
    for path in PROGRAMS:
        program = corpus.program_id(path)
        marks = [pytest.mark.xfail(strict=True, reason=gaps[program])] if program in gaps else []
        params.append(pytest.param(path, id=program, marks=marks))
    return params


def test_gaps_name_programs_of_the_corpus():
    ids = {corpus.program_id(path) for path in PROGRAMS}
    assert set(SANDBOX_GAPS) <= ids
    assert not set(SANDBOX_GAPS) & set(engine_corpus.KNOWN_ENGINE_GAPS)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", _program_params())
def test_program_runs_in_the_sandbox_as_in_torch(path):
    record = RECORDS_BY_ID[corpus.program_id(path)]
    source = path.read_text(encoding="utf-8")
    result = run_program(source)  # the worker path, as the app runs a program
    tolerant = bool(engine_corpus._MATRIX_PRODUCT_CODE.search(source))
    transcript = sandbox_transcript(result)
    stdout = "".join(entry["text"] for entry in transcript if entry["kind"] == "stdout")
    error = next((entry for entry in transcript if entry["kind"] == "error"), None)
    warnings_ = [{"category": e["category"], "message": e["message"]} for e in transcript if e["kind"] == "warning"]

    if record["error"] is None and error is not None:
        where = engine_corpus._first_difference(stdout, record["stdout"]) if stdout != record["stdout"] else ""
        pytest.fail(f"the sandbox ended in line {result.error.line}: {error['text']}\nwhere torch did not; {where}")
    engine_corpus._assert_text_matches(stdout, record["stdout"], tolerant, "stdout")
    if warnings_ != record["warnings"]:
        def listing(items):
            return "\n".join(f"  {w['category']}: {w['message']}" for w in items) or "  (none)"
        pytest.fail(f"warnings differ\n--- torch ---\n{listing(record['warnings'])}\n--- sandbox ---\n"
                    f"{listing(warnings_)}")
    if record["error"] is not None:
        assert error is not None, f"torch raised {record['error']['type']}, the sandbox did not"
        assert (error["type"], error["message"]) == (record["error"]["type"], record["error"]["message"])
        assert "Traceback" not in error["text"]
    kinds = [entry["kind"] for entry in transcript]
    assert kinds == [entry["kind"] for entry in record["transcript"]], "output, warnings and error out of order"
    for got, want in zip(transcript, record["transcript"]):
        if got["kind"] == "stdout":
            engine_corpus._assert_text_matches(got["text"], want["text"], tolerant, "a stdout chunk")
        elif got["kind"] == "warning":
            assert got == want
