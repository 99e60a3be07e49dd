"""What a run shows of a bare expression (explorer/sandbox/display.py): every one for a plain program, as Python's
prompt shows it; the last one of each cell for a pasted notebook, laid out as Jupyter (IPython's pretty printer)
lays it out. Live comparisons with IPython and PyTorch run where both are installed."""

from __future__ import annotations

import ast

import pytest

import engine
from explorer.sandbox import run_program
from explorer.sandbox.display import pretty, shown_statements


def shown(source: str, starts=None) -> list[int]:
    return sorted(line for line, _ in shown_statements(source, ast.parse(source), starts))


def notebook(*cells: str) -> str:
    return "\n\n".join(f"In [{n}]:\n{code}\n" for n, code in enumerate(cells, start=1))


def run(source: str, **kwargs):
    return run_program(source, isolated=False, **kwargs)


# --- which statements -------------------------------------------------------------------------------------


def test_a_plain_program_shows_every_top_level_expression_but_its_docstring_and_those_ended_by_a_semicolon():
    source = '"""doc"""\nx = 1\nx\nx;\nx ;  # quiet\nx  # ; in a comment\nfor i in range(2):\n    i\nx; x\n"x"\n'
    assert shown(source) == [3, 6, 9, 10]
    line_9 = sorted(pos for pos in shown_statements(source, ast.parse(source)) if pos[0] == 9)
    assert line_9 == [(9, 3)]  # `x; x`: the first is ended by its `;`, the second is shown


def test_a_notebook_shows_the_last_statement_of_each_cell_when_it_is_an_expression():
    # cells start at lines 1, 5 and 8
    source = "x = 1\nx\nx.real\nx + 1\n\ny = 2\ny;\n\nif y:\n    y\n"
    assert shown(source, (1, 6, 9)) == [4]


# --- how: IPython's layout --------------------------------------------------------------------------------


def test_values_read_as_jupyter_shows_them():
    eye = engine.eye(3)
    assert pretty((eye, engine.ones(2))) == (
        "(tensor([[1., 0., 0.],\n"
        "         [0., 1., 0.],\n"
        "         [0., 0., 1.]]),\n"
        " tensor([1., 1.]))"
    )
    assert pretty(list(range(30))).startswith("[0,\n 1,\n 2,\n")
    assert pretty([1, 2]) == "[1, 2]" and pretty((1,)) == "(1,)" and pretty(set()) == "set()"
    assert pretty({"b": 1, "a": [2]}) == "{'b': 1, 'a': [2]}"
    assert pretty({3, 1, 2}) == "{1, 2, 3}"
    x = engine.tensor([1.0, -2.0], requires_grad=True)
    node = x.abs().sum().grad_fn.next_functions[0][0]
    assert pretty(((node, 0),)) == f"((<AbsBackward0 at {hex(id(node))}>, 0),)"
    assert pretty(engine.manual_seed(0)).startswith("<torch._C.Generator at 0x")
    assert pretty(engine.Size([2, 3])) == "torch.Size([2, 3])"
    cycle: list = [1]
    cycle.append(cycle)
    assert pretty(cycle) == "[1, [...]]"
    assert pretty(list(range(1001))).endswith("999,\n ...]")


def test_matches_ipython_on_real_pytorch_values():
    """The layout is IPython's: the same text for PyTorch's own values, whatever the nesting."""
    from collections import OrderedDict, defaultdict

    ipython = pytest.importorskip("IPython.lib.pretty")
    torch = pytest.importorskip("torch")
    t = torch.ones(3, 3)
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    s = x.abs().sum()
    cycle: list = [1]
    cycle.append(cycle)
    values = [
        {"b": 1, "a": t}, {3, 1, 2}, frozenset({1, 2}), set(), frozenset(), (t,), (1,), [], (), {}, [t, t],
        (torch.ones(5, 3) * 0.2959, torch.ones(3) * 0.2959), (0, t), [(1, 2), (3, t)], {"k": [1] * 40},
        list(range(30)), "abc", ["x" * 50, "y" * 50], int, torch.Tensor, type(None), {1: {2: {3: [4] * 30}}},
        [[1] * 20] * 3, torch.Size([2, 3]), {"a": (t, t)}, [None, True, 1.5], s.grad_fn.next_functions,
        s.grad_fn, torch.manual_seed(0), cycle, list(range(1100)), [list(range(15)), list(range(25)), "a" * 70],
        (t, (t, [t, {1: t}])), {(1, 2): [t]}, [torch.randn(2, 12), torch.randn(3)], torch.max(t, 0),
        OrderedDict(a=1, b=t), OrderedDict(), defaultdict(dict, {1: {"a": t}}), torch.nn.Linear(2, 2),
        torch.float32, [1.0, 2.0] * 30, {"x" * 40: "y" * 40, "z": 1}, [[t]], ((((1,),),),),
        torch.optim.SGD([x], lr=0.1).state,
    ]
    for value in values:
        assert pretty(value) == ipython.pretty(value), value


# --- in a run ---------------------------------------------------------------------------------------------

LESSON_CELL = """import torch
torch.manual_seed(0)
inp = torch.eye(2, requires_grad=True)
out = (inp + 1).pow(2)
out.backward(torch.ones_like(out), retain_graph=True)
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
inp.grad"""


def test_a_notebook_cell_shows_its_last_expression_only():
    result = run(notebook(LESSON_CELL, "torch.manual_seed(0)", "inp.grad;", "print('x')\ninp.grad.zero_()"))
    shown_entries = [(e.kind, e.text) for e in result.outputs]
    # not the generator of line 2, not the zeros of `inp.grad.zero_()` in the middle of the first cell
    assert shown_entries[0] == ("expr", "tensor([[4., 2.],\n        [2., 4.]])")
    # a generator as a cell's last value is shown, as Jupyter shows an object without a repr of its own
    assert shown_entries[1][0] == "expr" and shown_entries[1][1].startswith("<torch._C.Generator at 0x")
    assert shown_entries[2:] == [("print", "x\n"), ("expr", "tensor([[0., 0.],\n        [0., 0.]])")]


def test_a_plain_program_shows_every_bare_expression_as_pythons_prompt_does():
    result = run(LESSON_CELL + "\nNone\ninp.grad;\n")
    texts = [e.text for e in result.outputs]
    assert texts[0].startswith("<torch._C.Generator object at 0x")
    assert texts[1:] == ["tensor([[0., 0.],\n        [0., 0.]])", "tensor([[4., 2.],\n        [2., 4.]])"]
    quiet = run("import torch\ntorch.manual_seed(0);\nx = torch.ones(2)\nx\n")
    assert [e.text for e in quiet.outputs] == ["tensor([1., 1.])"]


def test_a_notebook_shows_the_programs_own_objects_as_ipython_does():
    result = run(notebook("class A:\n    pass\nA()", "class B:\n    def __repr__(self):\n"
                          "        return '<B object at 0x1>'\nB()", "A", "(A(), B())"))
    texts = [e.text for e in result.outputs]
    assert texts[0].startswith("<__main__.A at 0x")
    assert texts[1:3] == ["<B object at 0x1>", "__main__.A"]  # the program's own __repr__ as it wrote it
    assert texts[3].startswith("(<__main__.A at 0x") and texts[3].endswith(", <B object at 0x1>)")
