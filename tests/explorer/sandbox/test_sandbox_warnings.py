"""PyTorch's warnings in a run's output, where a notebook shows them: an entry `UserWarning: <message>` at the
point the warning happened, tied to the program's line, once per line as Python's default filter shows it."""

from __future__ import annotations

import pytest

from explorer.sandbox import run_program

NON_LEAF = "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed."

PROGRAM = """import torch
import torch.nn.functional as F
a = torch.tensor(2.0, requires_grad=True)
b = a * 3
print('before')
for i in range(3):
    print(b.grad)
def peek(t):
    return t.grad
peek(b)
print(F.softmax(torch.tensor([1.0, 2.0])))
c = torch.tensor(a)
from torch.autograd import Variable
v = Variable(torch.ones(1), volatile=True)
print('after')
"""


@pytest.mark.parametrize("isolated", [False, True])
def test_warnings_are_entries_where_they_happened(isolated):
    result = run_program(PROGRAM, isolated=isolated)
    assert result.error is None
    expected = [
        (5, "print", "before\n"),
        (7, "warning", NON_LEAF),  # once, though the line runs three times
        (7, "print", "None\n"), (7, "print", "None\n"), (7, "print", "None\n"),
        (9, "warning", NON_LEAF),  # another line: shown again (the line inside the function)
        (11, "warning", "UserWarning: Implicit dimension choice for softmax has been deprecated."),
        (11, "print", "tensor([0.2689, 0.7311])\n"),
        (12, "warning", "UserWarning: To copy construct from a tensor, it is recommended to use"),
        (14, "warning", "UserWarning: volatile was removed and now has no effect."),
        (15, "print", "after\n"),
    ]
    assert [(e.line, e.kind) for e in result.outputs] == [(line, kind) for line, kind, _ in expected]
    for entry, (_, _, start) in zip(result.outputs, expected):
        assert entry.text.startswith(start), entry.text


def test_a_warning_is_a_line_of_its_own_in_the_text():
    result = run_program("import torch\nx = torch.ones(2, requires_grad=True) * 2\nprint('g:', end=' ')\n"
                         "print(x.grad)\n", isolated=False)
    lines = result.text().splitlines()
    assert lines[0] == "g: "
    assert lines[1].startswith(NON_LEAF)
    assert lines[2] == "None"


def test_warnings_keep_pytorchs_words_in_chinese():
    result = run_program("import torch\nx = torch.ones(2, requires_grad=True) * 2\nx.grad\n", isolated=False,
                         lang="zh")
    assert result.outputs[0].text.startswith(NON_LEAF)


def test_warnings_count_against_the_output_budget_and_stay_once_per_line():
    program = "import torch\nx = torch.ones(2, requires_grad=True) * 2\nfor i in range(5000):\n    x.grad\n"
    result = run_program(program, isolated=False)
    assert result.error is None
    assert [e.kind for e in result.outputs] == ["warning"]


def test_a_warning_pytorch_gives_once_per_process_comes_in_every_run():
    """backward(create_graph=True) warns once per process, as PyTorch does; every run is a process of its own."""
    program = "import torch\na = torch.tensor(2.0, requires_grad=True)\n(a ** 3).backward(create_graph=True)\n"
    for _ in range(2):
        result = run_program(program)
        assert [(e.line, e.kind) for e in result.outputs] == [(3, "warning")]
        assert result.outputs[0].text.startswith("UserWarning: Using backward() with create_graph=True will create")
