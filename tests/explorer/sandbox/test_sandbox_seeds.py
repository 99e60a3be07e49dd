"""Every seed lesson (../shared/seeds/, code cells joined in order) runs unchanged through the sandbox and
prints PyTorch's deterministic lines. Random values differ from PyTorch's generator, so only lines that do
not depend on them are compared; they were read off PyTorch 2.13 (see test_seed_lines_match_pytorch)."""

from __future__ import annotations

import contextlib
import io

import pytest

from explorer.sandbox import run_program


def _lesson(text: str) -> str:
    """The lessons' code has trailing spaces; they are written as '␠' here so that linters leave them be."""
    return text.replace("␠", " ")

SEED_000 = _lesson('''import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

import numpy as np

n = np.array([1.,2.,3.,4.,5.,6.,7.,8.,9.,10.])
x = torch.from_numpy( n)
y = x*2+0.5␠
print(x,y)

w = torch.randn(10, 10, requires_grad=True,dtype=torch.float64)
b = torch.randn(10, requires_grad=True,dtype=torch.float64)
␠
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss.backward()
print( loss )␠

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

print(x,y,w,b,z,loss)

loss.backward()
print(w.grad)
print(b.grad)
''')

SEED_001 = _lesson('''import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
print(f"x: {x},\\ny: {y}")

w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
print(f"w: {w},\\nb: {b}")

# 前向传播
z = torch.matmul(x, w)+b
print(f"z: {z}")
# 计算损失
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"loss: {loss}")

# 反向传播，计算梯度
loss.backward()
print(f"w.grad: {w.grad}")
print(f"b.grad: {b.grad}")

# 初始化梯度优化器，用来决定如何更新参数。
# SGD：随机梯度优化
# (w, b)：传入要优化的参数
# lr：学习率
optimizer = torch.optim.SGD((w, b), lr=0.01)
# 更新参数
optimizer.step()
print(f"w: {w}")
print(f"b: {b}")

w.grad.zero_()
b.grad.zero_()

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()

out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
''')

SEED_002 = _lesson('''import torch

## input tensor
x = torch.ones(5)
## expected output
y = torch.zeros(3)
w = torch.randn(5,3,requires_grad=True)
b = torch.randn(3,requires_grad=True)
z = torch.matmul(x,w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z,y)

print("z = "+str(z.grad_fn))
print("loss = "+str(loss.grad_fn))

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x,w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x,w) + b
print(z.requires_grad)

z = torch.matmul(x,w) + b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(5,requires_grad=True)
out = (inp+1).pow(2)
out.backward(torch.ones_like(inp),retain_graph=True)
print("First Call\\n"+str(inp.grad))
out.backward(torch.ones_like(inp),retain_graph=True)
print("\\nSecond Call\\n"+str(inp.grad))
inp.grad.zero_()
out.backward(torch.ones_like(inp),retain_graph=True)
print("\\nCall after zeroing gradients\\n"+str(inp.grad))
''')

SEED_003 = _lesson('''import torch
from torch.nn.functional import binary_cross_entropy_with_logits
from torch.nn.functional import binary_cross_entropy

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad = True)
b = torch.randn(3, requires_grad = True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"x: {x}")
print(f"shape of x: {x.shape}")
print()
print(f"w: {w}")
print(f"shape of w: {w.shape}")
print()
print(f"b: {b}")
print(f"shape of b: {b.shape}")
print()
print(f"z: {z}")
print(f"shape of z: {z.shape}")
print()
print(f"y: {y}")
print(f"shape of z: {y.shape}")
print()
print(f"loss: {loss}")
print(f"shape of loss: {loss.size()}")
print()
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(f"Gradient of w: {w.grad}")
print(f"Gradient of b: {b.grad}")

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(5, requires_grad = True)
print(f"inp\\n{inp}")

out = (inp + 1).pow(2)
print(f"out\\n{out}")

out.backward(torch.ones_like(inp), retain_graph = True)
print("First call\\n", inp.grad)

out.backward(torch.ones_like(inp), retain_graph = True)
print("Second call\\n", inp.grad)

inp.grad.zero_()
out.backward(torch.ones_like(inp), retain_graph = True)
print("Call after zeroing gradients\\n", inp.grad)
''')

SEED_004_HEAD = _lesson('''import torch

x = torch.tensor([ 1., 2. ])

y = torch.tensor([ 4., 5. ])

z = torch.tensor([ 7., 3. ])

x

y

z

x.requires_grad

(x + y).requires_grad

z.requires_grad = True

(x + z).requires_grad   # 只要其中一个tensor的requires_grad为True，那么整体操作结果的requires_gread就为True

x = torch.tensor([1., 10.])

x

x.requires_grad = True

x = torch.tensor([1, 10])

x.requires_grad = True
''')

SEED_004_TAIL = _lesson('''import torch

t = torch.tensor([1., 2., 4.]).requires_grad_()␠

t.requires_grad

u = torch.tensor([10., 20.]).requires_grad_()

t

u

a = t.pow(2).sum() + u.log().sum()

a

torch.autograd.grad(a,(t,u))

u.log() # 以e为底

x = torch.tensor([ -3., 2., 5. ]).requires_grad_()

x

u = x.pow(3).sum()

x.grad

u.backward()

x.grad

w1 = torch.rand(5, 5).requires_grad_()␠
w2 = torch.rand(5, 5).requires_grad_()␠
x = torch.empty(5).normal_()

w1

w2

x

x0 = x
x1 = w1 @ x0
x2 = x0 + w2 @ x1
x3 = w1 @ (x1 + x2)

q = x3.norm()


w1.grad
w2.grad

q.backward()

print(w1.grad)
print(w2.grad)

x = torch.tensor([ 1.0, -2.0, 3.0, -4.0 ]).requires_grad_()

a = x.abs() # 取绝对值

a

s = a.sum()

s

s.grad_fn.next_functions

s.grad_fn.next_functions[0][0].next_functions

x = torch.tensor([1., 2., 2.]).requires_grad_()␠
q = x.norm()

x

q

a = torch.tensor( 0.5).requires_grad_()␠
b = torch.tensor(-0.5).requires_grad_()

eta=0.1
for k in range(100):␠
    l = (a - 1)**2 + (b + 1)**2 + (a - b)**2␠
    ga, gb = torch.autograd.grad(l, (a, b))␠
    with torch.no_grad():␠
        a -= eta * ga␠
        b -= eta * gb

print('%.06f' % a.item(), '%.06f' % b.item())

a = torch.tensor( 0.5).requires_grad_()␠
b = torch.tensor(-0.5).requires_grad_()

eta=0.1
for k in range(100):␠
    l = (a - 1)**2 + (b + 1)**2 + (a.detach() - b)**2␠
    ga, gb = torch.autograd.grad(l, (a, b))␠
    with torch.no_grad():␠
        a -= eta * ga␠
        b -= eta * gb

print('%.06f' % a.item(), '%.06f' % b.item())
''')

SEED_004 = SEED_004_HEAD + "\n" + SEED_004_TAIL

BACKWARD_TWICE = (
    "RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed)."
)
INT_REQUIRES_GRAD = "RuntimeError: only Tensors of floating point and complex dtype can require gradients"

EYE_4x5 = """tensor([[4., 2., 2., 2., 2.],
        [2., 4., 2., 2., 2.],
        [2., 2., 4., 2., 2.],
        [2., 2., 2., 4., 2.]])"""
EYE_5_FIRST = """tensor([[4., 2., 2., 2., 2.],
        [2., 4., 2., 2., 2.],
        [2., 2., 4., 2., 2.],
        [2., 2., 2., 4., 2.],
        [2., 2., 2., 2., 4.]])"""
EYE_5_SECOND = """tensor([[8., 4., 4., 4., 4.],
        [4., 8., 4., 4., 4.],
        [4., 4., 8., 4., 4.],
        [4., 4., 4., 8., 4.],
        [4., 4., 4., 4., 8.]])"""

# seed name -> (program, printed lines PyTorch prints whatever the random values, (error line, message start))
SEEDS = {
    "000": (SEED_000, [
        "tensor([ 1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10.], dtype=torch.float64) "
        "tensor([ 2.5000,  4.5000,  6.5000,  8.5000, 10.5000, 12.5000, 14.5000, 16.5000,\n"
        "        18.5000, 20.5000], dtype=torch.float64)\n",
        "grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)\n",
        "Gradient function for z = <AddBackward0 object at 0x",
        "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x",
    ], (30, BACKWARD_TWICE)),
    "001": (SEED_001, [
        "x: tensor([1., 1., 1., 1., 1.]),\ny: tensor([0., 0., 0.])\n",
        "grad_fn=<AddBackward0>)\n",
        "\nloss: ",
        "], requires_grad=True)\n",
        "tensor([0., 0., 0.])\n",
        "First call\n" + EYE_4x5 + "\n",
        "\nSecond call\n" + EYE_4x5.replace("4.", "8.").replace("2.", "4.") + "\n",
        "\nCall after zeroing gradients\n" + EYE_4x5 + "\n",
    ], None),
    "002": (SEED_002, [
        "z = <AddBackward0 object at 0x",
        "loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x",
        "True\nFalse\nFalse\n",
        "First Call\n" + EYE_5_FIRST + "\n",
        "\nSecond Call\n" + EYE_5_SECOND + "\n",
        "\nCall after zeroing gradients\n" + EYE_5_FIRST + "\n",
    ], None),
    "003": (SEED_003, [
        "x: tensor([1., 1., 1., 1., 1.])\nshape of x: torch.Size([5])\n\n",
        "shape of w: torch.Size([5, 3])\n\n",
        "shape of b: torch.Size([3])\n\n",
        "shape of z: torch.Size([3])\n\ny: tensor([0., 0., 0.])\nshape of z: torch.Size([3])\n\n",
        "shape of loss: torch.Size([])\n\n",
        "Gradient function for z = <AddBackward0 object at 0x",
        "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 object at 0x",
        "True\nFalse\nFalse\n",
        "inp\ntensor([[1., 0., 0., 0., 0.],\n        [0., 1., 0., 0., 0.],\n        [0., 0., 1., 0., 0.],\n"
        "        [0., 0., 0., 1., 0.],\n        [0., 0., 0., 0., 1.]], requires_grad=True)\n",
        "out\ntensor([[4., 1., 1., 1., 1.],\n        [1., 4., 1., 1., 1.],\n        [1., 1., 4., 1., 1.],\n"
        "        [1., 1., 1., 4., 1.],\n        [1., 1., 1., 1., 4.]], grad_fn=<PowBackward0>)\n",
        "First call\n " + EYE_5_FIRST + "\n",
        "Second call\n " + EYE_5_SECOND + "\n",
        "Call after zeroing gradients\n " + EYE_5_FIRST + "\n",
    ], None),
    "004": (SEED_004, [], (SEED_004_HEAD.splitlines().index("x = torch.tensor([1, 10])") + 3,
                           INT_REQUIRES_GRAD)),
    "004-tail": (SEED_004_TAIL, ["0.333333 -0.333333\n1.000000 -0.000000\n"], None),
}


# what a notebook displays for bare expressions (plain Python does not print these, so they are checked
# against the seeds' own notebook output rather than live)
DISPLAYED = {
    "004": ["tensor([1., 2.])\ntensor([4., 5.])\ntensor([7., 3.])\nFalse\nFalse\nTrue\ntensor([ 1., 10.])\n"],
    "004-tail": [
        "True\ntensor([1., 2., 4.], requires_grad=True)\ntensor([10., 20.], requires_grad=True)\n"
        "tensor(26.2983, grad_fn=<AddBackward0>)\n(tensor([2., 4., 8.]), tensor([0.1000, 0.0500]))\n"
        "tensor([2.3026, 2.9957], grad_fn=<LogBackward0>)\ntensor([-3.,  2.,  5.], requires_grad=True)\n"
        "tensor([27., 12., 75.])\n",
        "tensor([1., 2., 3., 4.], grad_fn=<AbsBackward0>)\ntensor(10., grad_fn=<SumBackward0>)\n"
        "((<AbsBackward0 object at 0x",
        "((<AccumulateGrad object at 0x",
        "tensor([1., 2., 2.], requires_grad=True)\ntensor(3., grad_fn=<LinalgVectorNormBackward0>)\n",
    ],
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_runs_in_process_with_pytorch_lines(name):
    program, lines, error = SEEDS[name]
    result = run_program(program, isolated=False)
    text = result.text()
    for line in lines + DISPLAYED.get(name, []):
        assert line in text, f"missing from output:\n{line}\n--- got:\n{text}"
    if error is None:
        assert result.error is None, result.error
    else:
        assert result.error is not None
        assert (result.error.line, result.error.message[: len(error[1])]) == error


@pytest.mark.parametrize("name", ["000", "004-tail"])
def test_seed_runs_isolated_like_in_process(name):
    program, lines, error = SEEDS[name]
    isolated = run_program(program, isolated=True)
    local = run_program(program, isolated=False)
    for line in lines:
        assert line in isolated.text()
    assert [(e.line, e.kind) for e in isolated.outputs] == [(e.line, e.kind) for e in local.outputs]
    assert (isolated.error is None) == (error is None)


def test_seed_004_keeps_output_before_the_error_and_explains_it():
    result = run_program(SEED_004, isolated=False)
    assert result.error.kind == "RuntimeError"
    assert result.error.hint == "hint.float_requires_grad"
    # x, y, z, x.requires_grad, (x+y).requires_grad, (x+z).requires_grad, x: seven displayed expressions
    assert [e.kind for e in result.outputs] == ["expr"] * 7
    assert result.outputs[0].line == SEED_004.splitlines().index("x") + 1


def test_seed_lines_match_pytorch():
    """The printed lines above are PyTorch 2.13's own output (checked live when torch is installed)."""
    pytest.importorskip("torch")
    for name, (program, lines, error) in SEEDS.items():
        buffer = io.StringIO()
        raised = None
        with contextlib.redirect_stdout(buffer):
            try:
                # our own fixed lesson text, run by real Python on real PyTorch as the oracle
                exec(compile(program, f"seed-{name}", "exec"), {})
            except RuntimeError as exc:
                raised = exc
        text = buffer.getvalue()
        for line in lines:
            assert line in text, (name, line)
        assert (raised is None) == (error is None), name
        if raised is not None:
            assert f"RuntimeError: {raised}".startswith(error[1]), name
