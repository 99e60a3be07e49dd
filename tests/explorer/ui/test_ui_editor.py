"""Beside the Playground's editor: the error excerpt and the requires_grad boxes of a run's leaves."""

from __future__ import annotations

from explorer.sandbox import run_program
from explorer.sandbox.result import ProgramError
from explorer.ui.editor import error_excerpt, leaf_rows, toggled


def run(source, overrides=None):
    return run_program(source, requires_grad_overrides=overrides, isolated=False)


def test_error_excerpt_marks_the_line_and_column():
    source = "import torch\nx = torch.ones(3)\ny = x @ x.t() +\nprint(y)\n"
    excerpt = error_excerpt(source, ProgramError(3, 15, "SyntaxError: invalid syntax"))
    lines = excerpt.split("\n")
    assert lines[2] == "> 3 | y = x @ x.t() +"
    assert lines[3].index("^") == lines[2].index("y") + 14
    assert lines[0] == "  1 | import torch"


def test_toggling_back_to_the_program_flag_drops_the_override():
    assert toggled({}, "w", False, True) == {"w": False}
    assert toggled({"w": False}, "w", True, True) == {}
    assert toggled({}, "x", True, None) == {"x": True}


def test_leaf_rows_show_overrides_and_int_leaves():
    code = "import torch\nw = torch.ones(2, requires_grad=True)\nn = torch.tensor([1, 2])\nw = w * 2\n"
    rows = leaf_rows(run(code, {"w": False}), {"w": False})
    assert [(r.name, r.requires_grad, r.can_require_grad, r.overridden) for r in rows] == [
        ("w", False, True, True), ("n", False, False, False)]
