"""Every lesson in ../shared/seeds runs through `import engine as torch`, cell by cell as a notebook runs
it (cells in execution-count order, the last expression's repr displayed, an error printed and the next cell
run), and prints what the seed shows, in PyTorch 2.13's words (AbsBackward0, LinalgVectorNormBackward0, ...).

Random values in the seeds come from unseeded generators, so only lines that do not depend on them are
compared: the lines that come out the same under two different seeds. With torch installed, the whole output
(random lines too) is also compared with real PyTorch under the same seed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import engine
from explorer.sandbox.notebook import OUTPUT_LINE, markdown_cells, notebook_cells

# the lessons are kept with the tests (a copy of ../shared/seeds) so they run wherever the repository goes
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))
pytestmark = pytest.mark.skipif(not SEED_FILES, reason="the lessons in tests/seeds are not here")

def seed_cells(path: Path) -> list[tuple[str, str, list[str]]]:
    """(count, code, printed output) per code cell, in the order the notebook ran them."""
    text = path.read_text(encoding="utf-8")
    cells = markdown_cells(text) if "```python" in text else notebook_cells(text)
    if cells and all(cell.count.isdigit() for cell in cells):
        cells.sort(key=lambda cell: int(cell.count))
    return [(cell.count, cell.code, list(cell.output)) for cell in cells]


OLD_NAMES = re.compile(r"\b(AbsBackward|LogBackward|BinaryCrossEntropyWithLogitsBackward)\b")


def normalise(line: str) -> str:
    """One printed line in PyTorch 2.13's words, with object addresses masked."""
    line = re.sub(r"<([\w.:]+)(?: object)? at 0x[0-9A-Fa-f]+>", r"<\1 object at 0x...>", line)
    line = OLD_NAMES.sub(r"\g<1>0", line)
    line = re.sub(r"(?<!\w)NormBackward0", "LinalgVectorNormBackward0", line)
    line = line.replace("only Tensors of floating point dtype can require gradients",
                        "only Tensors of floating point and complex dtype can require gradients")
    return line.rstrip()


def run_cells(cells, torch_module, seed: int) -> list[list[str]]:
    """Run the cells in one namespace as a notebook kernel does; each cell's printed lines."""
    torch_module.manual_seed(seed)
    namespace: dict = {"__name__": "__lesson__"}
    outputs = []
    for _, code, _ in cells:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                _run_cell(code, namespace, torch_module)
            except Exception as exc:  # a notebook prints the error and goes on with the next cell
                print(f"{type(exc).__name__}: {exc}")
        outputs.append([normalise(line) for line in buffer.getvalue().splitlines()])
    return outputs


class _TorchFinder:
    """Makes `import torch` and `from torch.nn.functional import ...` inside a lesson load `module`."""

    def __init__(self, module):
        self.module = module

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if name == "torch" or name.startswith("torch."):
            target = self.module
            for part in name.split(".")[1:]:
                target = getattr(target, part)
            return target if fromlist else self.module
        return __import__(name, globals, locals, fromlist, level)


def _run_cell(code: str, namespace: dict, torch_module) -> None:
    import builtins

    namespace["__builtins__"] = {**vars(builtins), "__import__": _TorchFinder(torch_module)}
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, "<lesson cell>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<lesson cell>", "eval"), namespace)
        if value is not None:
            print(repr(value))


def _deterministic_lines(first: list[str], second: list[str]) -> list[tuple[int, str]]:
    """(position, line) for lines printed the same under two seeds."""
    return [(i, a) for i, (a, b) in enumerate(zip(first, second)) if a == b]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_cells_parse(path):
    cells = seed_cells(path)
    assert len(cells) >= 4
    for _, code, _ in cells:
        ast.parse(code)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_deterministic_lines_match_the_lesson(path):
    cells = seed_cells(path)
    run_a = run_cells(cells, engine, seed=0)
    run_b = run_cells(cells, engine, seed=12345)
    compared = 0
    for (count, code, expected), ours_a, ours_b in zip(cells, run_a, run_b):
        # blank lines are the notebook's layout (stdout, then Out[]), not output: compare the rest by position
        expected = [normalise(line) for line in expected if line.strip()]
        ours_a = [line for line in ours_a if line.strip()]
        ours_b = [line for line in ours_b if line.strip()]
        if expected and not ours_a and OUTPUT_LINE.match(expected[0]):
            pytest.fail(f"cell In [{count}] printed nothing; the lesson shows:\n" + "\n".join(expected))
        assert len(ours_a) <= len(expected), f"cell In [{count}] printed more than the lesson:\n{code}"
        for i, line in _deterministic_lines(ours_a, ours_b):
            assert line == expected[i], f"cell In [{count}], line {i}:\n{code}"
            compared += 1
    assert compared >= MIN_COMPARED[path.name[:3]], compared


# lines that do not depend on random numbers, per lesson (a floor: a parsing slip cannot pass silently)
MIN_COMPARED = {"000": 5, "001": 18, "002": 23, "003": 43, "004": 24}  # non-blank lines


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_output_matches_live_pytorch(path):
    torch = pytest.importorskip("torch")
    if not torch.__version__.startswith("2.13"):
        pytest.skip("the lessons are compared with PyTorch 2.13")
    cells = seed_cells(path)
    ours = run_cells(cells, engine, seed=0)
    theirs = run_cells(cells, torch, seed=0)
    for (count, code, _), a, b in zip(cells, ours, theirs):
        assert a == b, f"cell In [{count}] differs from PyTorch:\n{code}"


def test_notebook_display_of_last_expression():
    cells = [("1", "import torch\nx = torch.ones(2)\nx * 2", []), ("2", "x.sum().item()", []),
             ("3", "y = 1", [])]
    outputs = run_cells(cells, engine, 0)
    assert outputs == [["tensor([2., 2.])"], ["2.0"], []]
    assert np.isclose(2.0, float(outputs[1][0]))


def test_normalise_renames_old_pytorch_text():
    assert normalise("((<AbsBackward at 0x10bdbf668>, 0),)") == "((<AbsBackward0 object at 0x...>, 0),)"
    renamed = "tensor(3., grad_fn=<LinalgVectorNormBackward0>)"
    assert normalise("tensor(3., grad_fn=<NormBackward0>)") == renamed
    assert normalise("<AddBackward0 object at 0x0000021845A5E080>") == "<AddBackward0 object at 0x...>"
