"""Property tests: random programs from a small grammar, random text and random bytes all end in a result or
a ProgramError; never another exception, never an internal error of the sandbox."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.sandbox import Limits, ProgramError, RunResult, run_program

# small budgets keep each example fast while still reaching every limit
LIMITS = Limits(statements=2_000, tensor_elements=100_000, tensor_bytes=8 * 2**20, graph_nodes=500,
                output_chars=20_000, sequence_items=50_000, sequence_total=200_000, wall_seconds=5.0)

NAMES = ["a", "b", "x", "w", "undefined"]
ATTRIBUTES = ["sum", "grad", "shape", "T", "requires_grad", "backward", "detach", "item", "numpy",
              "__class__",
              "_version", "format", "append", "upper", "grad_fn", "next_functions", "tofile", "mro"]

atoms = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6).map(str),
    st.sampled_from(["10**9", "2**64", "9**9**9", "0", "1.5", "-0.0", "1e308", "float('nan')"]),
    st.sampled_from(NAMES),
    st.sampled_from(["'s'", "'%d'", "'{}'", "[1, 2]", "(1,)", "{}", "None", "True", "[]"]),
    st.sampled_from(["torch.ones(3)", "torch.tensor([1., 2.], requires_grad=True)", "torch.zeros(2, 3)",
                     "torch.randn(4)", "torch.tensor(3)", "np.arange(4)", "torch.eye(2)"]),
)


def extend(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "%", "@", "<<", "//", "==", "<",
                                                   "and", "or", "in"]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "not ", "~"]), children).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(children, st.sampled_from(ATTRIBUTES)).map(lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(children, st.sampled_from(ATTRIBUTES)).map(lambda t: f"({t[0]}).{t[1]}()"),
        st.tuples(st.sampled_from(["len", "str", "float", "int", "abs", "list", "sum", "print", "repr",
                                   "torch.ones", "torch.tensor", "np.array", "F.relu", "torch.exp", "type"]),
                  children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(children, children).map(lambda t: f"[{t[0]}, {t[1]}]"),
        # f-strings over atoms only: Python 3.11 cannot nest the same quotes inside them
        st.tuples(atoms, atoms, st.sampled_from(["", ":>6", ":.3f", "!r"])).map(
            lambda t: f'f"{{{t[0]}}}{{{t[1]}{t[2]}}}"'),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
    )


expressions = st.recursive(atoms, extend, max_leaves=8)


def statement(depth: int):
    simple = st.one_of(
        st.tuples(st.sampled_from(NAMES[:4]), expressions).map(lambda t: f"{t[0]} = {t[1]}"),
        st.tuples(st.sampled_from(NAMES[:4]), st.sampled_from(["+=", "-=", "*="]), expressions).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"),
        expressions,
        expressions.map(lambda e: f"print({e})"),
        st.sampled_from(["pass", "x.backward()", "w = torch.ones(2, requires_grad=True)",
                         "with torch.no_grad():\n    a = 1", "def f(v):\n    return v * 2", "a = f(a)"]),
    )
    if depth == 0:
        return simple
    inner = statement(depth - 1)
    block = st.lists(inner, min_size=1, max_size=3).map(
        lambda lines: "\n".join("    " + line.replace("\n", "\n    ") for line in lines))
    return st.one_of(
        simple,
        st.tuples(expressions, block).map(lambda t: f"for i in range(len([{t[0]}]) * 3):\n{t[1]}"),
        st.tuples(expressions, block).map(lambda t: f"if {t[0]}:\n{t[1]}"),
        st.tuples(expressions, block).map(lambda t: f"while {t[0]}:\n{t[1]}"),
    )


programs = st.lists(statement(2), min_size=1, max_size=8).map(
    lambda lines: PRELUDE + "\n".join(lines))

PRELUDE = """import torch
import numpy as np
import torch.nn.functional as F
a = 1
b = 2.0
x = torch.ones(2, requires_grad=True)
w = torch.zeros(3)
def f(v):
    return v * 2
"""


def check(result) -> None:
    assert isinstance(result, RunResult)
    if result.error is not None:
        assert isinstance(result.error, ProgramError)
        assert result.error.kind != "InternalError", result.error
        assert isinstance(result.error.message, str) and result.error.line >= 1
    result.text()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_random_programs_end_in_a_result_or_a_program_error(program):
    check(run_program(program, isolated=False, limits=LIMITS))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_ends_in_a_result_or_a_program_error(text):
    check(run_program(text, isolated=False, limits=LIMITS))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_end_in_a_result_or_a_program_error(data):
    check(run_program(data.decode("utf-8", errors="surrogateescape"), isolated=False, limits=LIMITS))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["x = torch.ones(2, requires_grad=True)", "y = (x * 3).sum()", "y.backward()",
                                 "x.grad", "x.grad.zero_()", "z = y.detach()",
                                 "y.backward(retain_graph=True)",
                                 "x.requires_grad = False", "x.data = torch.zeros(2)", "x[0] = 5.0",
                                 "print(x, y)", "x -= 1", "g = torch.autograd.grad(y, x)",
                                 "with torch.no_grad():\n    x *= 2"]), min_size=1, max_size=12))
def test_random_autograd_sequences_end_in_a_result_or_a_program_error(lines):
    check(run_program("import torch\n" + "\n".join(lines), isolated=False, limits=LIMITS))
