"""Only floating point tensors can require gradients."""
import torch

try:
    a = torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as e:
    print("RuntimeError:", e)

b = torch.arange(4)
print(b.dtype)
try:
    b.requires_grad_()
except RuntimeError as e:
    print("requires_grad_():", e)

try:
    b.requires_grad = True
except RuntimeError as e:
    print("attribute:", e)

c = torch.arange(4, dtype=torch.float32, requires_grad=True)
print(c)
d = torch.arange(4.0).requires_grad_()
print(d.dtype, d.requires_grad)
print(torch.tensor([1, 2, 3]).float().requires_grad_())
