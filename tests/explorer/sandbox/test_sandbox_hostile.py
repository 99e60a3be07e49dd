"""The hostile corpus (tests/explorer/sandbox/hostile/*.txt): escapes through dunders, format strings,
generators and imports, bombs of every kind, malformed text. Each program must end in a ProgramError of the kind
its first line names (`# expect: KIND`), without a traceback, a crash or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.sandbox import ProgramError, RunResult, run_program

CORPUS = Path(__file__).parent / "hostile"
FILES = sorted(CORPUS.glob("*.txt"))


def load(path: Path) -> tuple[str, str]:
    """(expected kind, program). Invalid UTF-8 becomes lone surrogates, as a browser could send."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    first, _, _rest = text.partition("\n")
    assert first.startswith("# expect: "), path.name
    return first.removeprefix("# expect: ").strip(), text


def test_corpus_is_large_and_varied():
    kinds = {load(p)[0] for p in FILES}
    assert len(FILES) >= 60
    assert {"NotAllowed", "LimitError", "SyntaxError", "RuntimeError"} <= kinds
    bombs = [p for p in FILES if p.name.startswith("bomb_")]
    assert len(bombs) >= 30


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_hostile_program_gets_a_program_error(path):
    expected, program = load(path)
    result = run_program(program, isolated=False)
    assert isinstance(result, RunResult)
    assert isinstance(result.error, ProgramError), result.text()[:500]
    assert result.error.kind == expected, result.error
    assert result.error.line >= 1 and result.error.col >= 1
    assert "Traceback" not in result.error.message
    assert "\n" not in result.error.message.strip() or expected == "RuntimeError"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["bomb_graph", "bomb_tensor_memory", "bomb_many_lists", "builtin_open",
                                  "numpy_tofile", "bomb_power_tower"])
def test_hostile_program_isolated(name):
    expected, program = load(CORPUS / f"{name}.txt")
    result = run_program(program, isolated=True)
    assert isinstance(result.error, ProgramError)
    assert result.error.kind == expected
    assert not os.path.exists("/tmp/sandbox-escape")


def test_limit_messages_in_chinese():
    _, program = load(CORPUS / "bomb_range_loop.txt")
    result = run_program(program, isolated=False, lang="zh")
    assert result.error.message == "程序执行超过 200000 步（语句、循环次数和函数调用）；是不是循环太长了？"


def test_error_keeps_output_before_it():
    result = run_program("print('before')\nx = 1\n9**9**9\nprint('after')", isolated=False)
    assert result.text() == "before\n"
    assert (result.error.line, result.error.kind) == (3, "LimitError")


def test_lone_surrogate_in_a_string_literal_is_printed_escaped():
    result = run_program('print("a\\ud800b")', isolated=False)
    assert result.error is None
    assert result.text() == "a\\ud800b\n"
