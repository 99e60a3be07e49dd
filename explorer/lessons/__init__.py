"""The seeds' autograd lessons as presets: code, with a title and a short explanation in the text catalogue.

Each lesson's code is what a learner would type into PyTorch (`import torch`), seeded with
`torch.manual_seed(0)` so the numbers on screen are the numbers real PyTorch 2.13 prints for the same code.
A lesson is a plain program, whose bare expressions show their values as at Python's prompt: a `;` ends the
lines whose value is no part of the lesson (the seed's generator, a gradient zeroed between two prints).
Pure data: the Lessons page lists them and opens one in the Playground.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.text import CATALOGUE, t


@dataclass(frozen=True)
class Lesson:
    key: str
    code: str
    descent: bool = False  # also offered on the Descent page

    @property
    def title(self) -> dict[str, str]:
        """The title in each language (catalogue key `lesson.<key>.title`)."""
        return CATALOGUE[f"lesson.{self.key}.title"]

    @property
    def text(self) -> dict[str, str]:
        return CATALOGUE[f"lesson.{self.key}.text"]

    def title_in(self, lang: str) -> str:
        return t(f"lesson.{self.key}.title", lang)

    def text_in(self, lang: str) -> str:
        return t(f"lesson.{self.key}.text", lang)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="one_layer",
        code="""import torch
torch.manual_seed(0);

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
        code="""import torch

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_();
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
""",
    ),
    Lesson(
        key="no_grad_detach",
        code="""import torch
torch.manual_seed(0);

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
        code="""import torch
torch.manual_seed(0);

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
        code="""import torch
torch.manual_seed(0);

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
