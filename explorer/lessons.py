"""The seeds' autograd lessons as presets: a short explanation in English and Chinese plus code.

Each lesson's code is what a learner would type into PyTorch (`import torch`), seeded with
`torch.manual_seed(0)` so the numbers on screen are the numbers real PyTorch 2.13 prints for the same code.
Pure data: the Lessons page lists them and opens one in the Playground.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    key: str
    title: dict[str, str]
    text: dict[str, str]
    code: str
    descent: bool = False  # also offered on the Descent page

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title["en"]

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="one_layer",
        title={"en": "A one-layer network and its BCE loss", "zh": "单层神经网络与 BCE 损失"},
        text={
            "en": "Input x, weights w and bias b give z = x·w + b and a binary cross-entropy loss. "
                  "w and b require gradients, so loss.backward() fills w.grad and b.grad: "
                  "∂loss/∂w and ∂loss/∂b at these values of x and y.",
            "zh": "输入 x、权重 w 和偏置 b 得到 z = x·w + b，再计算二元交叉熵损失。"
                  "w 和 b 需要梯度，所以 loss.backward() 会填好 w.grad 和 b.grad，"
                  "即在当前 x、y 下的 ∂loss/∂w 和 ∂loss/∂b。",
        },
        code="""import torch
torch.manual_seed(0)

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

loss.backward()
print(w.grad)
print(b.grad)
""",
    ),
    Lesson(
        key="grad_fn",
        title={"en": "grad_fn and next_functions", "zh": "grad_fn 与 next_functions"},
        text={
            "en": "Every result of an operation on a tensor that requires grad remembers the backward "
                  "function that made it (grad_fn). next_functions links each grad_fn to the ones of its "
                  "inputs, down to AccumulateGrad, which adds into a leaf's .grad. That chain is the "
                  "backward graph.",
            "zh": "对需要梯度的张量做运算，结果会记住产生它的反向函数（grad_fn）。"
                  "next_functions 把每个 grad_fn 连到其输入的 grad_fn，一直到 AccumulateGrad，"
                  "后者把梯度累加到叶子张量的 .grad。这条链就是反向计算图。",
        },
        code="""import torch

x = torch.tensor([1.0, -2.0, 3.0, -4.0]).requires_grad_()
a = x.abs()
s = a.sum()
print(a)
print(s)
print(s.grad_fn)
print(s.grad_fn.next_functions)
print(s.grad_fn.next_functions[0][0].next_functions)
""",
    ),
    Lesson(
        key="accumulation",
        title={"en": "Gradients accumulate; zero_() resets them", "zh": "梯度会累加；zero_() 清零"},
        text={
            "en": "backward() adds into .grad instead of replacing it: the second call doubles every "
                  "entry. inp.grad.zero_() resets it, which is what an optimizer's zero_grad() does "
                  "between training steps. retain_graph=True keeps the graph for the next call.",
            "zh": "backward() 会把梯度累加到 .grad，而不是覆盖：第二次调用后每个元素都翻倍。"
                  "inp.grad.zero_() 将其清零，训练中优化器的 zero_grad() 做的就是这件事。"
                  "retain_graph=True 保留计算图，以便再次调用。",
        },
        code="""import torch

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
""",
    ),
    Lesson(
        key="no_grad_detach",
        title={"en": "no_grad and detach", "zh": "no_grad 与 detach"},
        text={
            "en": "Inside `with torch.no_grad():` nothing is recorded, so results do not require grad. "
                  "detach() returns the same values cut off from the graph. Use them for inference, for "
                  "frozen parameters and for updating parameters by hand.",
            "zh": "在 `with torch.no_grad():` 中不记录任何运算，结果不需要梯度。"
                  "detach() 返回数值相同但脱离计算图的张量。推理、冻结参数和手动更新参数时会用到它们。",
        },
        code="""import torch
torch.manual_seed(0)

x = torch.ones(5)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)
""",
    ),
    Lesson(
        key="requires_grad_rules",
        title={"en": "requires_grad rules and the integer error", "zh": "requires_grad 规则与整数类型错误"},
        text={
            "en": "A result requires grad as soon as one input does. Only floating-point tensors can "
                  "require gradients: the last line raises PyTorch's own error for an int64 tensor. "
                  "Untick or fix it and the graph comes back.",
            "zh": "只要有一个输入需要梯度，结果就需要梯度。只有浮点张量才能要求梯度："
                  "最后一行对 int64 张量会抛出 PyTorch 自己的错误。改掉它，计算图就会回来。",
        },
        code="""import torch

x = torch.tensor([1., 2.])
y = torch.tensor([4., 5.])
z = torch.tensor([7., 3.])
print(x.requires_grad)
print((x + y).requires_grad)
z.requires_grad = True
print((x + z).requires_grad)

t = torch.tensor([1., 2., 4.]).requires_grad_()
print(t)
n = torch.tensor([1, 10])
n.requires_grad = True
""",
    ),
    Lesson(
        key="jacobian",
        title={"en": "Jacobian products: backward(v) gives vᵀJ", "zh": "雅可比积：backward(v) 得到 vᵀJ"},
        text={
            "en": "For a non-scalar output, backward needs a vector v of the output's shape and stores "
                  "vᵀJ in .grad, never J itself. The Backward step-through page draws J, v and vᵀJ "
                  "side by side.",
            "zh": "对非标量输出，backward 需要一个与输出同形状的向量 v，并把 vᵀJ 存进 .grad，"
                  "而不是 J 本身。“反向逐步”页面把 J、v 和 vᵀJ 并排画出来。",
        },
        code="""import torch

inp = torch.eye(3, requires_grad=True)
out = (inp + 1).pow(2)
v = torch.tensor([[1., 0., 0.], [0., 2., 0.], [0., 0., 3.]])
out.backward(v, retain_graph=True)
print(inp.grad)
""",
    ),
    Lesson(
        key="autograd_grad",
        title={"en": "torch.autograd.grad", "zh": "torch.autograd.grad"},
        text={
            "en": "autograd.grad returns the gradients instead of adding them into .grad. Here "
                  "∂a/∂t = 2t and ∂a/∂u = 1/u.",
            "zh": "autograd.grad 直接返回梯度，而不是累加到 .grad。这里 ∂a/∂t = 2t，∂a/∂u = 1/u。",
        },
        code="""import torch

t = torch.tensor([1., 2., 4.]).requires_grad_()
u = torch.tensor([10., 20.]).requires_grad_()
a = t.pow(2).sum() + u.log().sum()
print(a)
print(torch.autograd.grad(a, (t, u)))
""",
    ),
    Lesson(
        key="residual_norm",
        title={"en": "A residual network and norm()", "zh": "残差网络与 norm()"},
        text={
            "en": "x0 reaches x2 twice, directly and through w2 @ x1, so gradients from both paths add up. "
                  "w1 is used twice as well. q = x3.norm() is a scalar, so q.backward() needs no argument.",
            "zh": "x0 通过两条路径到达 x2：直接相加，以及经过 w2 @ x1，两条路径的梯度相加。"
                  "w1 也被用了两次。q = x3.norm() 是标量，所以 q.backward() 不需要参数。",
        },
        code="""import torch
torch.manual_seed(0)

w1 = torch.rand(5, 5).requires_grad_()
w2 = torch.rand(5, 5).requires_grad_()
x = torch.empty(5).normal_()

x0 = x
x1 = w1 @ x0
x2 = x0 + w2 @ x1
x3 = w1 @ (x1 + x2)
q = x3.norm()
q.backward()
print(w1.grad)
print(w2.grad)
""",
    ),
    Lesson(
        key="descent_detach",
        title={"en": "Gradient descent with and without detach()", "zh": "有无 detach() 的梯度下降"},
        text={
            "en": "100 steps of gradient descent on l = (a-1)² + (b+1)² + (a-b)² reach the minimum "
                  "(1/3, -1/3). Write a.detach() in the last term and the path ends at (1, 0) instead: "
                  "detach() removes that term's pull on a. The Descent page draws both paths.",
            "zh": "在 l = (a-1)² + (b+1)² + (a-b)² 上做 100 步梯度下降，到达最小值 (1/3, -1/3)。"
                  "把最后一项写成 a.detach()，路径会停在 (1, 0)：detach() 去掉了这一项对 a 的作用。"
                  "“梯度下降”页面把两条路径都画出来。",
        },
        code="""import torch

a = torch.tensor(0.5).requires_grad_()
b = torch.tensor(-0.5).requires_grad_()

eta = 0.1
for k in range(100):
    l = (a - 1)**2 + (b + 1)**2 + (a - b)**2
    ga, gb = torch.autograd.grad(l, (a, b))
    with torch.no_grad():
        a -= eta * ga
        b -= eta * gb

print('%.06f' % a.item(), '%.06f' % b.item())
""",
        descent=True,
    ),
    Lesson(
        key="sgd_step",
        title={"en": "One SGD step", "zh": "一步 SGD"},
        text={
            "en": "torch.optim.SGD((w, b), lr=0.01).step() moves each parameter against its gradient: "
                  "w ← w - lr·w.grad. Then the gradients are zeroed for the next step.",
            "zh": "torch.optim.SGD((w, b), lr=0.01).step() 让每个参数沿梯度反方向移动："
                  "w ← w - lr·w.grad。然后把梯度清零，准备下一步。",
        },
        code="""import torch
torch.manual_seed(0)

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss.backward()
print(f"loss: {loss}")

optimizer = torch.optim.SGD((w, b), lr=0.01)
optimizer.step()
print(f"w: {w}")
print(f"b: {b}")
w.grad.zero_()
b.grad.zero_()
""",
    ),
)

LESSON_BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}
FIRST_LESSON = LESSONS[0]


def lesson_for_code(code: str) -> Lesson | None:
    """The lesson whose code this is (ignoring surrounding blank space), or None for the user's own code."""
    stripped = code.strip()
    return next((lesson for lesson in LESSONS if lesson.code.strip() == stripped), None)
