"""backward() on a non-scalar output needs a gradient argument (a vector-Jacobian product)."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
print(y)

try:
    y.backward()
except RuntimeError as e:
    print("error:", e)

y.backward(torch.ones_like(y))
print("with ones:", x.grad)

x.grad.zero_()
y = x ** 2
y.backward(gradient=torch.tensor([0.1, 1.0, 0.0001]))
print("with weights:", x.grad)

x.grad.zero_()
y = x ** 2
y.sum().backward()
print("same as y.sum().backward():", x.grad)

try:
    (x * 2).backward(torch.ones(2))
except RuntimeError as e:
    print("wrong shape:", e)
