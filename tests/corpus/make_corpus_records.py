"""Record what PyTorch 2.13 prints, warns and raises for every lesson program in `programs/`.

The programs are small autograd lessons written for this project in the styles of public teaching code
(custom autograd.Function, nn.Module training loops, from-scratch linear regression, Variable-era code,
micrograd-style comparisons, errors caught and printed, torch.autograd.functional, ...). Each one runs here
as a script (`__name__ == "__main__"`) with the real torch, and `corpus_records.json` keeps per program:

- `stdout`: everything it printed, object addresses masked as `tests/oracle/make_records.py` masks them;
- `warnings`: the warnings it raised, in order (category name and message, without file and line);
- `error`: the exception it ended in (type name and message), or null;
- `transcript`: stdout chunks, warnings and the final error interleaved in the order they happened, as a
  notebook shows them;
- `sha256`: of the program's source, so that a test can tell the records are older than the programs.

Every warning is recorded each time it is raised (filter "always"), not once per source line as Python's
default filter would: the record then does not depend on where our engine attributes a warning.
`tests/engine/test_corpus_engine.py` runs the same programs on our engine (`import torch` resolving to
`engine`) through `run_program` below and compares.

    python tests/corpus/make_corpus_records.py          # rewrite corpus_records.json
    python tests/corpus/make_corpus_records.py --check  # exit 1 if corpus_records.json is not current

Executing the programs is a developer tool over this repository's own files, never over user text.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import random
import sys
import warnings
from pathlib import Path

import numpy as np

CORPUS_DIR = Path(__file__).resolve().parent
PROGRAMS_DIR = CORPUS_DIR / "programs"
RECORDS_PATH = CORPUS_DIR / "corpus_records.json"
ORACLE_SCRIPT = CORPUS_DIR.parent / "oracle" / "make_records.py"


def _load_oracle_script():
    # tests/oracle is data plus a script, not a package: load it by path for its conventions
    spec = importlib.util.spec_from_file_location("_oracle_make_records", ORACLE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_oracle = _load_oracle_script()
normalise = _oracle.normalise
dumps = _oracle.dumps


def program_paths() -> list[Path]:
    return sorted(PROGRAMS_DIR.glob("[0-9][0-9][0-9]_*.py"))


def program_id(path: Path) -> str:
    return path.stem


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


class _Transcript:
    """Stdout chunks and warnings in the order a notebook shows them."""

    def __init__(self) -> None:
        self.entries: list[dict] = []

    def write(self, text: str) -> None:
        if not text:
            return
        if self.entries and self.entries[-1]["kind"] == "stdout":
            self.entries[-1]["text"] += text
        else:
            self.entries.append({"kind": "stdout", "text": text})

    def warn(self, category: str, message: str) -> None:
        self.entries.append({"kind": "warning", "category": category, "message": message})


class _TranscriptStream(io.TextIOBase):
    def __init__(self, transcript: _Transcript) -> None:
        self._transcript = transcript

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._transcript.write(text)
        return len(text)


def run_program(source: str, filename: str) -> dict:
    """Run one program as `__main__` with whatever `torch` imports to; its stdout, warnings, error, transcript.

    The caller resets global state (seeds, grad mode, print options) before and after.
    """
    transcript = _Transcript()
    error = None

    def show_warning(message, category, filename, lineno, file=None, line=None):
        transcript.warn(category.__name__, normalise(str(message)))

    namespace = {"__name__": "__main__", "__file__": filename}
    with contextlib.redirect_stdout(_TranscriptStream(transcript)), warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show_warning
        try:
            exec(compile(source, filename, "exec"), namespace)
        except Exception as exc:  # the error is part of the record
            error = {"type": type(exc).__name__, "message": normalise(str(exc))}
    entries = [
        {**entry, "text": normalise(entry["text"])} if entry["kind"] == "stdout" else entry
        for entry in transcript.entries
    ]
    if error is not None:
        entries.append({"kind": "error", **error})
    return {
        "stdout": "".join(entry["text"] for entry in entries if entry["kind"] == "stdout"),
        "warnings": [
            {"category": entry["category"], "message": entry["message"]}
            for entry in entries if entry["kind"] == "warning"
        ],
        "error": error,
        "transcript": entries,
    }


def reset_python_randomness() -> None:
    # the programs seed what they use; this only keeps an unseeded slip deterministic
    random.seed(0)
    np.random.seed(0)


def make_records() -> dict:
    import torch

    torch.set_num_threads(1)
    records = []
    for path in program_paths():
        source = path.read_text(encoding="utf-8")
        torch.manual_seed(0)
        torch.set_grad_enabled(True)
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
        reset_python_randomness()
        result = run_program(source, f"programs/{path.name}")
        records.append({"id": program_id(path), "sha256": source_digest(source), **result})
    torch.set_printoptions(profile="default")
    torch.set_grad_enabled(True)
    return {"torch_version": torch.__version__, "records": records}


def main(argv: list[str]) -> int:
    data = make_records()
    text = dumps(data)
    if "--check" in argv:
        current = RECORDS_PATH.read_text(encoding="utf-8") if RECORDS_PATH.exists() else ""
        print(f"{RECORDS_PATH.name} is current" if current == text else f"{RECORDS_PATH.name} is out of date")
        return 0 if current == text else 1
    RECORDS_PATH.write_text(text, encoding="utf-8")
    records = data["records"]
    print(f"torch {data['torch_version']}: {len(records)} programs -> {RECORDS_PATH}")
    print(f"  {sum(bool(r['warnings']) for r in records)} warn, {sum(r['error'] is not None for r in records)} "
          "end in an error")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
