"""Every lesson program in tests/corpus/programs runs on our engine and prints, warns and raises what
PyTorch 2.13 did.

The programs are unchanged lesson code (`import torch`, `import torch.nn as nn`, `from torch.autograd import
Function`, ...); while one runs, an import hook makes `torch` and `torch.<sub>` resolve to `engine` and
`engine.<sub>`, and sys.modules is restored afterwards. The expected output is tests/corpus/corpus_records.json,
written with the real torch by tests/corpus/make_corpus_records.py, whose `run_program` runs them here too, so
that both sides are captured and normalised the same way. This test does not need torch.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.abc
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

# Programs that fail on the engine as it is today, with the reason, so that they can be fixed one by one:
# delete an entry when its program passes (strict xfail then reports the unexpected pass).
KNOWN_ENGINE_GAPS: dict[str, str] = {}

TESTS_DIR = Path(__file__).resolve().parents[1]


def _load_script(name: str, path: Path):
    # tests/corpus and tests/oracle are data plus scripts, not packages: load by path
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _load_script("_make_corpus_records", TESTS_DIR / "corpus" / "make_corpus_records.py")
RECORDS = json.loads(corpus.RECORDS_PATH.read_text(encoding="utf-8"))["records"]
RECORDS_BY_ID = {record["id"]: record for record in RECORDS}
PROGRAMS = corpus.program_paths()


def _last_bit_helper():
    # the oracle test's documented tolerance: a float may differ by one float32 rounding step
    try:
        oracle_test = _load_script("_oracle_records_test", Path(__file__).with_name("test_oracle_records.py"))
        return oracle_test._assert_same_but_last_float32_bit
    except Exception:  # pragma: no cover - the helper moved or its module does not load: compare exactly
        return None


_assert_same_but_last_float32_bit = _last_bit_helper()
# Programs whose code multiplies matrices (here `@`, matmul, mm, nn.Linear, F.linear) may differ from PyTorch
# only in the last float32 bit of a printed number; every other program must match character for character.
_MATRIX_PRODUCT_CODE = re.compile(r"@|matmul|mm\(|Linear|linear")


# --------------------------------------------------------------------------------------------------
# `import torch` -> engine
# --------------------------------------------------------------------------------------------------


def _is_torch_name(name: str) -> bool:
    return name == "torch" or name.startswith("torch.")


class _AliasLoader(importlib.abc.Loader):
    """Hands out an already imported engine module under a torch name, leaving the module itself untouched."""

    def __init__(self, module) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        # the import system stamped the torch-named spec on the module: give it back its own
        module.__spec__ = self.spec


class _TorchIsEngine(importlib.abc.MetaPathFinder):
    """`import torch.X` imports `engine.X`; a torch submodule the engine does not have is not found."""

    def find_spec(self, fullname, path=None, target=None):
        if not _is_torch_name(fullname):
            return None
        engine_name = "engine" + fullname[len("torch"):]
        try:
            module = importlib.import_module(engine_name)
        except ImportError:
            return None  # -> ModuleNotFoundError: No module named 'torch.utils', as a lesson would see it
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


@contextlib.contextmanager
def torch_resolves_to_engine():
    engine = importlib.import_module("engine")
    saved = {name: module for name, module in sys.modules.items() if _is_torch_name(name)}
    for name in saved:
        del sys.modules[name]
    sys.modules["torch"] = engine
    finder = _TorchIsEngine()
    sys.meta_path.insert(0, finder)
    try:
        yield engine
    finally:
        sys.meta_path.remove(finder)
        for name in [name for name in sys.modules if _is_torch_name(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def reset_engine_state() -> None:
    engine = importlib.import_module("engine")
    engine.manual_seed(0)
    engine.set_grad_enabled(True)
    set_printoptions = getattr(engine, "set_printoptions", None)
    if set_printoptions is not None:
        set_printoptions(profile="default")
    set_default_dtype = getattr(engine, "set_default_dtype", None)
    if set_default_dtype is not None:
        set_default_dtype(engine.float32)
    corpus.reset_python_randomness()


@pytest.fixture
def fresh_engine():
    reset_engine_state()
    yield
    # a failing program must not leave no_grad, print options or a dtype behind for the next one
    reset_engine_state()


def run_on_engine(path: Path) -> dict:
    source = path.read_text(encoding="utf-8")
    with torch_resolves_to_engine():
        return corpus.run_program(source, f"programs/{path.name}")


# --------------------------------------------------------------------------------------------------
# comparing
# --------------------------------------------------------------------------------------------------


def _first_difference(got: str, want: str) -> str:
    got_lines, want_lines = got.splitlines(), want.splitlines()
    for number, (g, w) in enumerate(zip(got_lines, want_lines), start=1):
        if g != w:
            return f"first differing line {number}:\n  torch : {w!r}\n  engine: {g!r}"
    if len(got_lines) != len(want_lines):
        number = min(len(got_lines), len(want_lines)) + 1
        w = want_lines[number - 1] if number <= len(want_lines) else "<end of output>"
        g = got_lines[number - 1] if number <= len(got_lines) else "<end of output>"
        return f"first differing line {number}:\n  torch : {w!r}\n  engine: {g!r}"
    return "texts differ only in trailing newlines"


def _assert_text_matches(got: str, want: str, tolerant: bool, what: str) -> None:
    if got == want:
        return
    if tolerant and _assert_same_but_last_float32_bit is not None:
        try:
            _assert_same_but_last_float32_bit(got, want, f" in {what}")
            return
        except AssertionError:
            pass
    diff = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(), "torch", "engine", lineterm="", n=1))
    pytest.fail(f"{what} differs; {_first_difference(got, want)}\n{diff[:4000]}")


def test_records_cover_the_corpus_and_are_current():
    assert len(PROGRAMS) >= 45
    ids = [corpus.program_id(path) for path in PROGRAMS]
    assert sorted(RECORDS_BY_ID) == sorted(ids), "rerun tests/corpus/make_corpus_records.py"
    for path in PROGRAMS:
        record = RECORDS_BY_ID[corpus.program_id(path)]
        digest = corpus.source_digest(path.read_text(encoding="utf-8"))
        assert record["sha256"] == digest, f"{path.name} changed since its record: rerun make_corpus_records.py"
    assert set(KNOWN_ENGINE_GAPS) <= set(ids), "KNOWN_ENGINE_GAPS names a program that does not exist"


def _program_params():
    params = []
    for path in PROGRAMS:
        program = corpus.program_id(path)
        marks = []
        if program in KNOWN_ENGINE_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_ENGINE_GAPS[program]))
        params.append(pytest.param(path, id=program, marks=marks))
    return params


@pytest.mark.usefixtures("fresh_engine")
@pytest.mark.parametrize("path", _program_params())
def test_program_matches_torch(path):
    record = RECORDS_BY_ID[corpus.program_id(path)]
    result = run_on_engine(path)
    tolerant = bool(_MATRIX_PRODUCT_CODE.search(path.read_text(encoding="utf-8")))

    if record["error"] is None and result["error"] is not None:
        error = result["error"]
        where = _first_difference(result["stdout"], record["stdout"]) if result["stdout"] != record["stdout"] else ""
        pytest.fail(f"engine raised {error['type']}: {error['message']}\nwhere torch did not; {where}")
    _assert_text_matches(result["stdout"], record["stdout"], tolerant, "stdout")
    if result["warnings"] != record["warnings"]:
        def listing(warnings_):
            return "\n".join(f"  {w['category']}: {w['message']}" for w in warnings_) or "  (none)"
        pytest.fail(f"warnings differ (category and message, in order)\n--- torch ---\n{listing(record['warnings'])}"
                    f"\n--- engine ---\n{listing(result['warnings'])}")
    assert result["error"] == record["error"], "the error the program ends in differs"
    # the same output, warnings and error, also in the same order relative to each other
    assert [entry["kind"] for entry in result["transcript"]] == [entry["kind"] for entry in record["transcript"]]
    for got, want in zip(result["transcript"], record["transcript"]):
        if got["kind"] == "stdout":
            _assert_text_matches(got["text"], want["text"], tolerant, "a stdout chunk of the transcript")
        else:
            assert got == want


def test_import_hook_restores_sys_modules():
    before = {name: module for name, module in sys.modules.items() if _is_torch_name(name)}
    with torch_resolves_to_engine() as engine:
        import torch  # noqa: F401  (resolved by the hook)
        import torch.nn.functional as F

        assert sys.modules["torch"] is engine
        assert F is importlib.import_module("engine.nn.functional")
        assert F.__spec__.name == "engine.nn.functional"
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("torch.no_such_module")
    after = {name: module for name, module in sys.modules.items() if _is_torch_name(name)}
    assert after == before


@pytest.mark.slow
def test_records_are_current_with_torch():
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13.0"):
        pytest.skip(f"records come from torch 2.13.0, installed is {torch.__version__}")
    fresh = corpus.make_records()
    stored = corpus.RECORDS_PATH.read_text(encoding="utf-8")
    stored_version = json.loads(stored)["torch_version"]
    assert corpus.dumps({**fresh, "torch_version": stored_version}) == stored, "rerun make_corpus_records.py"
