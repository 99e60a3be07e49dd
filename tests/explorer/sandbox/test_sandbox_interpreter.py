"""The interpreter and the RunResult it produces, in-process: output entries, Python subset, engine views,
requires_grad overrides, grad mode restored, and the room the budgets leave to real lessons."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from explorer.sandbox import Limits, ProgramError, RunResult, run_program

DESCENT = """import torch
a = torch.tensor( 0.5).requires_grad_()
b = torch.tensor(-0.5).requires_grad_()
eta=0.1
for k in range(100):
    l = (a - 1)**2 + (b + 1)**2 + (a - b)**2
    ga, gb = torch.autograd.grad(l, (a, b))
    with torch.no_grad():
        a -= eta * ga
        b -= eta * gb
print('%.06f' % a.item(), '%.06f' % b.item())
"""

MLP_STEP = """import torch
import torch.nn.functional as F
generator = torch.manual_seed(0)
x = torch.randn(64, 784)
target = torch.randn(64, 10)
w1 = (torch.randn(784, 128) * 0.01).requires_grad_()
b1 = torch.zeros(128, requires_grad=True)
w2 = (torch.randn(128, 10) * 0.01).requires_grad_()
b2 = torch.zeros(10, requires_grad=True)
optimizer = torch.optim.SGD([w1, b1, w2, b2], lr=0.1)
h = torch.tanh(x @ w1 + b1)
out = h @ w2 + b2
loss = F.mse_loss(out, target)
optimizer.zero_grad()
loss.backward()
optimizer.step()
print(loss.item() > 0, w1.grad.shape, b2.grad.shape)
"""


def run(source: str, **kwargs) -> RunResult:
    return run_program(source, isolated=False, **kwargs)


def test_outputs_are_notebook_entries_tied_to_lines():
    result = run("x = 2\nprint('a', x, sep='-')\nx + 1\nNone\nprint(end='')\n"
                 "for i in range(2):\n    i\n[x] * 2\n")
    assert result.error is None
    assert [(e.line, e.kind, e.text) for e in result.outputs] == [
        (2, "print", "a-2\n"), (3, "expr", "3"), (5, "print", ""), (8, "expr", "[2, 2]"),
    ]
    assert result.text() == "a-2\n3\n[2, 2]\n"


def test_descent_loop_converges_with_room_to_spare():
    result = run(DESCENT)
    assert result.error is None
    assert result.text() == "0.333333 -0.333333\n"
    limits = Limits()
    assert result.stats["statements"] * 20 < limits.statements
    assert result.stats["graph_nodes"] * 10 < limits.graph_nodes
    # 100 autograd.grad passes: the first 20 and the last 5 are kept
    assert result.passes_dropped == 75
    assert [p.index for p in result.passes] == list(range(20)) + list(range(95, 100))
    assert all(p.kind == "grad" for p in result.passes)


def test_mlp_step_runs_with_room_to_spare():
    result = run(MLP_STEP)
    assert result.error is None, result.error
    assert result.text() == "True torch.Size([784, 128]) torch.Size([10])\n"
    limits = Limits()
    assert result.stats["tensor_bytes"] * 10 < limits.tensor_bytes
    assert result.tensors["w1"].grad.shape == (784, 128)


def test_result_describes_tensors_leaves_names_and_graphs():
    result = run("import torch\nw = torch.tensor([1., 2.], requires_grad=True)\nx = torch.tensor([3., 4.])\n"
                 "y = (w * x).sum()\ny.backward()\nn = torch.tensor([1, 2])\n")
    assert result.error is None
    w, y = result.tensors["w"], result.tensors["y"]
    np.testing.assert_array_equal(w.value, [1.0, 2.0])
    np.testing.assert_array_equal(w.grad, [3.0, 4.0])
    assert (w.is_leaf, w.requires_grad, w.grad_fn) == (True, True, None)
    assert (w.shape, w.dtype) == ((2,), "torch.float32")
    assert (y.is_leaf, y.grad_fn, float(y.value)) == (False, "SumBackward0", 11.0)
    assert [(leaf.name, leaf.line, leaf.requires_grad, leaf.can_require_grad) for leaf in result.leaves] == [
        ("w", 2, True, True), ("x", 3, False, True), ("n", 6, False, False),
    ]
    assert result.names[f"t{w.tid}"] == "w" and result.names[f"t{y.tid}"] == "y"
    forward = result.forward_graph
    assert forward.nodes[f"t{w.tid}"]["kind"] == "leaf"
    assert forward.nodes[f"t{y.tid}"]["name"] == "y"
    ops = sorted(d["name"] for _, d in forward.nodes(data=True) if d["kind"] == "op")
    assert ops == ["MulBackward0", "SumBackward0"]
    backward = result.backward_graph
    kinds = sorted(d["kind"] for _, d in backward.nodes(data=True))
    assert kinds.count("accumulate") == 1 and kinds.count("function") == 2
    assert len(result.passes) == 1 and result.passes[0].kind == "backward"


def test_requires_grad_overrides_apply_to_the_first_binding_of_floating_leaves():
    program = ("import torch\nw = torch.ones(3, requires_grad=True)\nb = torch.ones(3)\n"
               "k = torch.tensor([1, 2])\n"
               "loss = (w * b * 2).sum()\nloss.backward()\nprint(w.grad, b.grad)\n")
    result = run(program, requires_grad_overrides={"w": False, "b": True, "k": True})
    assert result.error is None, result.error
    assert result.text() == "None tensor([2., 2., 2.])\n"
    as_written = {leaf.name: (leaf.requires_grad, leaf.overridden) for leaf in result.leaves}
    assert as_written == {"w": (True, True), "b": (False, True), "k": (False, False)}


def test_python_subset_functions_closures_and_formatting():
    program = """def fact(n, acc=1):
    if n <= 1:
        return acc
    return fact(n - 1, acc * n)
square = lambda v: v * v
pairs = [(i, square(i)) for i in range(4) if i % 2 == 0]
total = sum(v for _i, v in pairs) if False else sum(p[1] for p in pairs)
d = {k: v for k, v in pairs}
d[10] = 'ten'
a, (b, c) = 1, [2, 3]
xs = [0, 0, 0]
xs[1] += 5
name = "loss"
print(fact(10), pairs, total, d, a + b + c, xs)
print(f"{name!r:>8}|{3.14159:.2f}|{7:03d}", '%s=%.3f' % (name, 2 / 3), name.upper().center(8, '*'))
n = 0
while n < 5:
    n += 1
    if n == 2:
        continue
    if n == 4:
        break
print(n, len(xs), max(xs), min(3, 1, 2), round(2.567, 1), abs(-3), sorted([3, 1, 2], reverse=True))
print(isinstance(1.5, float), type(xs), list(zip('ab', enumerate('xy'))), int('12') + float('0.5'))
"""
    result = run(program.replace("_i", "i"))
    assert result.error is None, result.error
    assert result.text().splitlines() == [
        "3628800 [(0, 0), (2, 4)] 4 {0: 0, 2: 4, 10: 'ten'} 6 [0, 5, 0]",
        "  'loss'|3.14|007 loss=0.667 **LOSS**",
        "4 3 5 1 2.6 3 [3, 2, 1]",
        "True <class 'list'> [('a', (0, 'x')), ('b', (1, 'y'))] 12.5",
    ]


def test_hooks_and_jacobian_call_back_into_interpreted_functions():
    program = """import torch
from torch.autograd.functional import jacobian
x = torch.tensor([1., 2.], requires_grad=True)
seen = []
def hook(g):
    seen.append(g.sum().item())
    return g * 10
h = x.register_hook(hook)
(x * x).sum().backward()
print(x.grad, seen)
print(jacobian(lambda v: v ** 3, torch.tensor([1., 2.])))
"""
    result = run(program)
    assert result.error is None, result.error
    assert result.text() == "tensor([20., 40.]) [6.0]\ntensor([[ 3.,  0.],\n        [ 0., 12.]])\n"


def test_engine_errors_keep_pytorch_text_and_a_hint():
    result = run("import torch\nx = torch.ones(2)\nprint('ok')\nx.sum().backward()\n")
    assert result.text() == "ok\n"
    error = result.error
    assert (error.line, error.col, error.kind, error.hint) == (4, 1, "RuntimeError", "hint.no_grad_fn")
    expected = "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"
    assert error.message == expected
    assert str(error) == "line 4: " + error.message


@pytest.mark.parametrize("program, tensor, why", [
    # lesson 001 with w's box unticked: Python's words, and why w.grad is None
    ("w = torch.randn(5, 3, requires_grad=True)\nb = torch.randn(3, requires_grad=True)\n"
     "loss = (w + b).sum()\nloss.backward()\nb.grad.zero_()\nw.grad.zero_()", "w", "no_requires_grad"),
    ("w = torch.ones(2, requires_grad=True)\nw.grad.zero_()", "w", "no_backward"),
    ("w = torch.ones(2, requires_grad=True)\nz = w * 2\nz.sum().backward()\nz.grad[0]", "z", "not_leaf"),
    ("w = torch.ones(2, requires_grad=True)\nw.grad * 2", "w", "no_backward"),
    ("model = torch.nn.Linear(2, 2)\nmodel.weight.grad.zero_()", "model.weight", "no_backward"),
])
def test_a_none_grad_gets_pythons_message_and_why_it_is_none(program, tensor, why):
    overrides = {"w": False} if why == "no_requires_grad" else None
    result = run("import torch\n" + program + "\n", requires_grad_overrides=overrides)
    error = result.error
    assert error.message in ("AttributeError: 'NoneType' object has no attribute 'zero_'",
                             "TypeError: 'NoneType' object is not subscriptable",
                             "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'")
    assert (error.hint, error.hint_params) == (f"hint.grad_none_{why}", {"tensor": tensor})
    assert error.hint_text("en").startswith(f"`{tensor}.grad` is None because ")
    assert error.hint_text("zh").startswith(f"`{tensor}.grad` 是 None")
    assert pickle.loads(pickle.dumps(error)) == error


def test_a_none_that_is_no_grad_gets_no_grad_hint():
    result = run("def f():\n    pass\nf().zero_()\n")
    assert result.error.message == "AttributeError: 'NoneType' object has no attribute 'zero_'"
    assert result.error.hint is None and result.error.hint_text("en") is None


def test_syntax_error_points_at_the_place():
    result = run("x = 1\ny = (2 +\n")
    assert (result.error.kind, result.error.line) == ("SyntaxError", 2)
    assert result.error.message.startswith("SyntaxError: ")


def test_grad_mode_and_default_dtype_are_restored_after_a_failed_run():
    import engine

    result = run("import torch\ntorch.set_grad_enabled(False)\n"
                 "torch.set_default_dtype(torch.float64)\n1 / 0\n")
    assert result.error.kind == "ZeroDivisionError"
    assert engine.is_grad_enabled() is True
    assert engine.get_default_dtype() is engine.float32
    result = run("import torch\nwith torch.no_grad():\n    1 / 0\n")
    assert result.error.line == 3
    assert engine.is_grad_enabled() is True


def test_module_call_in_no_grad_and_numpy_subset():
    program = """import numpy as np
import torch
n = np.linspace(0, 1, 5)
m = np.arange(6).reshape(2, 3).astype(np.float32)
t = torch.from_numpy(n)
print(n.sum(), m.shape, m.dtype, t.dtype, np.pi > 3, np.zeros(2, dtype=np.float64).tolist())
"""
    result = run(program)
    assert result.error is None, result.error
    assert result.text() == "2.5 (2, 3) float32 torch.float64 True [0.0, 0.0]\n"


def test_result_pickles_round_trip():
    result = run(DESCENT)
    again = pickle.loads(pickle.dumps(result))
    assert again.text() == result.text()
    assert len(again.passes) == len(result.passes)
    error = ProgramError(3, 4, "RuntimeError: x", "RuntimeError", "hint.no_grad_fn")
    assert pickle.loads(pickle.dumps(error)) == error


def test_isolated_run_matches_in_process():
    isolated = run_program(DESCENT, isolated=True)
    local = run(DESCENT)
    assert isolated.text() == local.text()
    assert sorted(isolated.tensors) == sorted(local.tensors)
    assert isolated.forward_graph.number_of_nodes() == local.forward_graph.number_of_nodes()
    assert len(isolated.passes) == len(local.passes)


@pytest.mark.timeout(60)
def test_worker_is_killed_at_the_hard_timeout():
    # soft budgets opened wide: only the parent's hard timeout can stop this loop
    limits = Limits(statements=10**12, wall_seconds=1000, hard_timeout_seconds=1.0, cpu_seconds=100)
    result = run_program("while True:\n    pass\n", isolated=True, limits=limits)
    assert result.error.kind == "Stopped" and result.error.line is None
    assert result.error.message.startswith("one operation ran past the time limit (1 s)")


@pytest.mark.timeout(60)
def test_worker_memory_is_bounded_by_rlimit():
    # the budgets opened wide: only the kernel's address-space limit stops one 4.8 GB allocation
    limits = Limits(tensor_elements=10**10, tensor_bytes=10**12, memory_bytes=256 * 2**20)
    result = run_program("import torch\nx = torch.ones(600_000_000)\nprint('allocated')\n", isolated=True,
                         limits=limits)
    assert result.text() == ""
    assert result.error.kind == "LimitError" and result.error.line == 2


def test_loop_else_and_leaves_bound_in_loops():
    program = """import torch
for i in range(3):
    g = torch.ones(1)
else:
    after = torch.zeros(1)
n = 0
while n < 10:
    n += 1
    if n == 3:
        break
else:
    n = -1
print(i, n)
"""
    result = run(program)
    assert result.error is None, result.error
    assert result.text() == "2 3\n"
    # tensors made inside a loop (gradients of each step, say) are not offered as leaves; the else clause is
    assert [leaf.name for leaf in result.leaves] == ["after"]


def test_wall_time_is_checked_after_each_engine_call():
    limits = Limits(wall_seconds=0.3)
    program = "import torch\na = torch.ones(2000, 2000)\nfor i in range(10**4):\n    b = a.sum()\n"
    result = run(program, limits=limits)
    assert result.error.kind == "LimitError"
    assert result.error.message == "the program ran longer than 0.3 seconds"
    assert result.stats["statements"] < 10**4


def test_size_objects_allocate_nothing():
    result = run("import torch\ns = torch.Size([10**9, 10**9])\nprint(len(s))\ntorch.ones(s)\n")
    assert result.text() == "2\n"
    assert (result.error.line, result.error.kind) == (4, "LimitError")


def test_cat_and_stack_show_one_slot_per_tensor_in_the_graphs():
    result = run("import torch\na = torch.tensor([1., 2.], requires_grad=True)\nb = torch.tensor([3.])\n"
                 "c = torch.cat([a, b * 2])\ns = torch.stack([a, a * a], dim=1)\n"
                 "loss = c.sum() + s.sum()\nloss.backward()\nprint(c, a.grad)\n")
    assert result.error is None, result.error
    assert result.text() == "tensor([1., 2., 6.], grad_fn=<CatBackward0>) tensor([4., 6.])\n"
    names = sorted(d["name"] for _, d in result.backward_graph.nodes(data=True) if d["kind"] == "function")
    assert names.count("CatBackward0") == 1 and names.count("StackBackward0") == 1
    forward = result.forward_graph
    cat_op = next(n for n, d in forward.nodes(data=True) if d.get("name") == "CatBackward0")
    assert forward.in_degree(cat_op) == 2
    bad = run("import torch\ntorch.stack([torch.ones(2), torch.ones(3)])\n")
    assert bad.error is not None and bad.error.line == 2
    assert bad.error.message.startswith("RuntimeError: stack expects each tensor to be equal size")


def test_max_and_min_over_a_dim_give_their_named_pair():
    result = run("import torch\nx = torch.tensor([[1., 5.], [3., 2.]], requires_grad=True)\n"
                 "m = x.max(dim=1)\nprint(m.values, m.indices)\nv, i = torch.min(x, 0)\n"
                 "m.values.sum().backward()\nprint(x.grad.tolist(), v.tolist(), i.tolist())\n"
                 "s = torch.tensor(2., requires_grad=True)\nprint(s.max(0).values, s.sum(-1), s.mean(0))\n")
    assert result.ok
    texts = [entry.text for entry in result.outputs]
    assert texts[0] == "tensor([5., 3.], grad_fn=<MaxBackward0>) tensor([1, 0])\n"
    assert texts[1] == "[[0.0, 1.0], [1.0, 0.0]] [1.0, 2.0] [0, 1]\n"
    assert texts[2] == ("tensor(2., grad_fn=<MaxBackward0>) tensor(2., grad_fn=<SumBackward1>) "
                        "tensor(2., grad_fn=<MeanBackward1>)\n")
    refused = run("import torch\nm = torch.ones(2, 2).max(0)\nlen(m)\nm.__class__\n").error
    assert refused.line == 4 and "'__class__'" in refused.message
