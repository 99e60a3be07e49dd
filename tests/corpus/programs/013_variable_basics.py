"""Old-style autograd with Variable, .data and torch.FloatTensor, as PyTorch 0.3-era lessons wrote it."""
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)
print(x)
print(type(x))

y = x * 3 - 1
z = (y ** 2).sum() / 4
print(y)
print(z)
print(y.grad_fn, z.grad_fn)

z.backward()
print("x.grad:", x.grad)
print("x.grad.data:", x.grad.data)
print("x.data:", x.data)
print("x.data.requires_grad:", x.data.requires_grad)

constant = Variable(torch.FloatTensor([0.5, 0.25]))
print("Variable without requires_grad:", constant.requires_grad)
print(constant.type(), x.type())

# the data attribute lets old code change a leaf without autograd noticing
x.data.mul_(2)
print("x after x.data.mul_(2):", x)

# volatile=True was the inference switch before torch.no_grad()
frozen = Variable(torch.ones(2), volatile=True)
print("volatile Variable requires grad:", frozen.requires_grad)
