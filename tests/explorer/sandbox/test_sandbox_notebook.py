"""Pasted notebooks: the code cells are found, run in the notebook's order, and errors point at the pasted
line."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from explorer.sandbox import Limits, render_outputs, run_program
from explorer.sandbox.notebook import OUTPUT_LINE, extract_program

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
    assert [entry.text for entry in result.outputs][:2] == ["1\n", "2\n"]
    assert result.notebook_cells == 3
    # the last cell raised: its error in place, in the output and for the error box, at `import os`
    assert result.error is None and [e.line for e in result.cell_errors] == [13]
    assert result.reported_error is result.cell_errors[0]
    assert (result.outputs[2].kind, result.outputs[2].line) == ("error", 13)


def test_seed_004_error_points_at_the_pasted_line():
    text = SEEDS[4].read_text(encoding="utf-8")
    result = run_program(text, isolated=False)
    error = result.reported_error
    assert error is not None and result.error is None  # the cell raised, the later cells ran
    assert text.splitlines()[error.line - 1].strip() == "x.requires_grad = True"
    assert "only Tensors of floating point" in error.message


# --- a notebook runs as Jupyter runs it ---------------------------------------------------------------------


def notebook(*cells: str) -> str:
    return "\n\n".join(f"In [{n}]:\n{code}\n" for n, code in enumerate(cells, start=1))


def test_a_cell_that_raises_shows_its_error_in_place_and_the_next_cell_runs():
    text = notebook("x = 1", "print('before')\nx.foo\nprint('not reached')", "print(x)\nx")
    result = run_program(text, isolated=False)
    failing = text.splitlines().index("x.foo") + 1
    assert [(e.kind, e.line) for e in result.outputs] == [("print", failing - 1), ("error", failing),
                                                          ("print", failing + 5), ("expr", failing + 6)]
    assert result.outputs[1].text == "AttributeError: 'int' object has no attribute 'foo'"
    assert result.ok and result.error is None  # the run reached its end ...
    assert [(e.line, e.kind) for e in result.cell_errors] == [(failing, "AttributeError")]  # ... past one error
    assert result.reported_error is result.cell_errors[0] and result.errors == result.cell_errors
    assert result.text() == (f"before\nline {failing}: AttributeError: 'int' object has no attribute 'foo'\n"
                             "1\n1\n")
    assert f"第 {failing} 行：AttributeError" in result.text("zh")


def test_a_limit_ends_a_notebook_and_a_plain_program_stops_at_its_first_error():
    looping = run_program(notebook("while True:\n    pass", "print('after')"), isolated=False,
                          limits=Limits(statements=5_000))
    assert looping.error is not None and looping.error.kind == "LimitError"
    assert looping.cell_errors == [] and "after" not in looping.text()
    plain = run_program("x = 1\nx.foo\nprint('after')\n", isolated=False)
    assert plain.error.kind == "AttributeError" and plain.cell_errors == [] and plain.text() == ""


def test_cell_errors_come_back_from_the_worker():
    text = SEEDS[4].read_text(encoding="utf-8")
    result = run_program(text)  # in a worker process
    assert result.error is None
    assert [e.kind for e in result.cell_errors] == ["RuntimeError"]
    assert result.cell_errors[0].hint == "hint.float_requires_grad"
    assert result.text().endswith("0.333333 -0.333333\n")  # both descents ran, in the notebook's order


# --- every seed shows what its saved notebook shows ---------------------------------------------------------

# The seeds were saved by older PyTorch releases; PyTorch 2.13 (what the engine follows, and what
# test_seed_cells_match_jupyter_on_pytorch checks live) names these nodes and words this error so:
RENAMED = (
    (re.compile(r"\b(BinaryCrossEntropyWithLogits|Log|Abs)Backward\b"), r"\1Backward0"),
    (re.compile(r"\bNormBackward0\b"), "LinalgVectorNormBackward0"),
    (re.compile(r"of floating point dtype can"), "of floating point and complex dtype can"),
)
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
NUMBER = re.compile(r"-?\d+(\.\d*)?(e[-+]\d+)?")

# Cells whose values come from torch.randn / torch.rand, unseeded in the lessons (so in PyTorch too, every run
# prints other numbers): their text is compared with every number a placeholder and spaces left out (a column's
# width follows its numbers). Indexes into the cells in the order they ran, with their "In [n]".
RANDOM_CELLS = {
    "000": {2, 3, 5},  # In [4], In [5], In [27]
    "001": {1, 2},  # the cells printing w and b, and z, loss and the gradients
    "002": {3},  # the gradients
    "003": {1, 2},  # In [22], In [23]
    "004": {30, 31, 32, 34},  # In [36], In [37], In [38], In [46]
}


def _normal(text: str, random: bool) -> str:
    text = ADDRESS.sub("0x…", text)
    if random:
        text = re.sub(r"[ \t]+", "", NUMBER.sub("#", text))
    # blank lines are left out: the text export puts them between a cell's outputs (its prints, the value it
    # shows) and keeps one where a print made several
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def _cell_outputs(result, extracted) -> list[str]:
    """Each cell's output as the run shows it; an error as the notebook does, its message without "line N:"."""
    outputs = []
    for cell in extracted.cells:
        lines = set(cell.lines)
        entries = [dataclasses.replace(e, kind="expr") if e.kind == "error" else e
                   for e in result.outputs if e.line in lines]
        outputs.append(render_outputs(entries))
    return outputs


def _looks_like_output(text: str) -> bool:
    first = text.lstrip("\n").split("\n")[0]
    return bool(OUTPUT_LINE.match(first.strip())) or first.startswith(" ")


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_each_seed_shows_what_its_saved_notebook_shows(path):
    text = path.read_text(encoding="utf-8")
    extracted = extract_program(text)
    result = run_program(text, isolated=False)
    assert result.error is None, result.error
    random_cells = RANDOM_CELLS[path.name[:3]]
    for index, (cell, ours) in enumerate(zip(extracted.cells, _cell_outputs(result, extracted))):
        saved = "\n".join(cell.output)
        for pattern, new in RENAMED:
            saved = pattern.sub(new, saved)
        ours, saved = _normal(ours, index in random_cells), _normal(saved, index in random_cells)
        # what follows a cell's output in the paste, up to the next cell, is the notebook's prose
        assert saved.startswith(ours), (index, cell.count, ours, saved)
        rest = saved[len(ours):]
        assert not rest or not _looks_like_output(rest), (index, cell.count, ours, saved)
        if rest and ours:
            assert rest.startswith("\n"), (index, cell.count, ours, saved)


def _jupyter_cell_outputs(extracted) -> list[str]:
    """What Jupyter shows of each cell, on real PyTorch: the cells run by IPython's shell (the kernel's), its
    prints, the text/plain of the value it displays, and an error's last line."""
    import contextlib
    import io

    from IPython.core.displayhook import DisplayHook
    from IPython.core.interactiveshell import InteractiveShell

    class Silent(DisplayHook):  # the value is read off each cell's result; nothing written to stdout
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            pass

    shell = InteractiveShell(displayhook_class=Silent)
    shell.showtraceback = lambda *args, **kwargs: None
    outputs = []
    for cell in extracted.cells:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            # the seeds' own code (fixed lesson text of the repository), run by real Python as the oracle
            result = shell.run_cell(cell.code, store_history=True)
        text = printed.getvalue()
        if result.result is not None:
            text += shell.display_formatter.format(result.result)[0]["text/plain"] + "\n"
        if result.error_in_exec is not None:
            error = result.error_in_exec
            text += f"{type(error).__name__}: {error}\n"
        outputs.append(text)
    return outputs


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_seed_cells_match_jupyter_on_pytorch(path):
    """Each cell shows what Jupyter shows running the same cells on PyTorch 2.13 (checked live where IPython
    and torch are installed)."""
    pytest.importorskip("torch")
    pytest.importorskip("IPython")
    text = path.read_text(encoding="utf-8")
    extracted = extract_program(text)
    ours = _cell_outputs(run_program(text, isolated=False), extracted)
    jupyter = _jupyter_cell_outputs(extracted)
    random_cells = RANDOM_CELLS[path.name[:3]]
    for index, (mine, theirs) in enumerate(zip(ours, jupyter)):
        assert _normal(mine, index in random_cells) == _normal(theirs, index in random_cells), (index, mine, theirs)
