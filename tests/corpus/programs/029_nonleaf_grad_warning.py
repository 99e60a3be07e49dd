"""Why is .grad None on my intermediate tensor? The warning PyTorch gives, and the fix."""
import torch

a = torch.tensor(2.0, requires_grad=True)
b = a * 3
c = b ** 2
c.backward()

print("a.grad =", a.grad)
print("b.grad =", b.grad)
print("a.is_leaf =", a.is_leaf, "b.is_leaf =", b.is_leaf)

a.grad = None
b = a * 3
b.retain_grad()
c = b ** 2
c.backward()
print("after retain_grad, b.grad =", b.grad)
print("a.grad =", a.grad)

# tensors created by the user are leaves, whether or not they require grad
d = torch.ones(2)
print(d.is_leaf, d.grad)
e = torch.ones(2, requires_grad=True) + 1
print(e.is_leaf, e.requires_grad)
