"""Changing a tensor that backward still needs: autograd's version counter catches it."""
import torch

a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
b = a.sigmoid()  # sigmoid saves its output for backward
print(b._version)
b.mul_(2)
print(b._version)
try:
    b.sum().backward()
except RuntimeError as e:
    print(e)

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
z = y ** 2  # pow saves its input y
y.add_(1)
try:
    z.sum().backward()
except RuntimeError as e:
    print(e)

# the fix: clone before changing
x.grad = None
y = x * 1
z = y ** 2
y2 = y.clone()
y2.add_(1)
z.sum().backward()
print(x.grad)
