"""Pasted notebooks: the code cells are found, run in the notebook's order, and errors point at the pasted
line."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.sandbox import run_program
from explorer.sandbox.notebook import extract_program

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def test_plain_python_is_left_alone():
    assert extract_program("import torch\nx = torch.ones(2)\nprint(x)\n") is None
    assert extract_program("x = (\n") is None  # broken, but no notebook either: the sandbox reports it


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_every_seed_yields_its_code_cells(path):
    text = path.read_text(encoding="utf-8")
    extracted = extract_program(text)
    assert extracted is not None and extracted.cells
    lines = text.splitlines()
    program_lines = extracted.program.splitlines()
    assert len(program_lines) == len(extracted.line_map)
    for i, line in enumerate(program_lines, start=1):  # every program line is the pasted line it maps to
        if line:
            assert lines[extracted.original_line(i) - 1] == line


def test_seed_001_keeps_a_cell_that_starts_with_a_comment():
    extracted = extract_program((SEEDS[1]).read_text(encoding="utf-8"))
    assert [c.count for c in extracted.cells] == ["None", "None", "None", "1634"]
    assert "optimizer.step()" in extracted.program


def test_cells_run_in_execution_order_and_errors_name_the_pasted_line():
    text = "In [2]:\nx = 1\nprint(2)\n\n2\n\nIn [1]:\nprint(1)\n\n1\n\nIn [3]:\nimport os\n"
    result = run_program(text, isolated=False)
    assert [entry.text for entry in result.outputs] == ["1\n", "2\n"]
    assert result.notebook_cells == 3
    assert result.error is not None and result.error.line == 13  # `import os` in the pasted text


def test_seed_004_error_points_at_the_pasted_line():
    text = SEEDS[4].read_text(encoding="utf-8")
    result = run_program(text, isolated=False)
    assert result.error is not None
    assert text.splitlines()[result.error.line - 1].strip() == "x.requires_grad = True"
    assert "only Tensors of floating point" in result.error.message
