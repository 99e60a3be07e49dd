"""An in-place operation on a leaf that requires grad, and the two legitimate ways around it."""
import torch

w = torch.ones(3, requires_grad=True)
try:
    w += 1
except RuntimeError as e:
    print("RuntimeError:", e)

try:
    w.add_(torch.ones(3))
except RuntimeError as e:
    print("add_ too:", e)

with torch.no_grad():
    w += 1
print("inside no_grad:", w, w.is_leaf)

w.data.mul_(0.5)
print("through .data:", w)

w2 = w * 1  # a non-leaf can be changed in place
w2 += 1
print(w2, w2.grad_fn)
