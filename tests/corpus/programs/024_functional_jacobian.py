"""torch.autograd.functional.jacobian: one and several inputs, and create_graph=True."""
import torch
from torch.autograd.functional import jacobian


def f(x):
    return x ** 2 + 3 * x


x = torch.tensor([1.0, 2.0, 3.0])
J = jacobian(f, x)
print(J)
print(J.shape, J.requires_grad)


def g(a, b):
    return a * b + torch.sin(a)


a = torch.tensor([0.0, 1.0])
b = torch.tensor([2.0, -1.0])
Ja, Jb = jacobian(g, (a, b))
print("d g / d a:\n", Ja)
print("d g / d b:\n", Jb)


def linear_map(v):
    A = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 4.0]])
    return A @ v


print(jacobian(linear_map, torch.ones(3)))

# a matrix input gives a 4-d Jacobian
M = torch.arange(4.0).reshape(2, 2)
print(jacobian(lambda m: m.exp().sum(dim=1), M).shape)

# with create_graph=True the Jacobian is itself part of a graph and can be differentiated again
x2 = torch.tensor([1.0, 2.0], requires_grad=True)
Jc = jacobian(lambda v: v ** 3, x2, create_graph=True)
print(Jc)
print(Jc.requires_grad, Jc.grad_fn)
Jc.trace().backward()
print("d trace(J) / dx =", x2.grad)
