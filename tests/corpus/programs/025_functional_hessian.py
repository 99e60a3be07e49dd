"""Hessians with torch.autograd.functional.hessian, checked against the formulas."""
import torch
from torch.autograd.functional import hessian


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


H = hessian(rosenbrock, torch.tensor([1.0, 1.0]))
print("Hessian at the minimum:\n", H)
expected = torch.tensor([[802.0, -400.0], [-400.0, 200.0]])
print("matches:", torch.equal(H, expected))


def cubic_sum(x):
    return (x ** 3).sum() + x[0] * x[1]


x = torch.tensor([1.0, -2.0, 0.5])
print(hessian(cubic_sum, x))


def quadratic(x, y):
    return (x ** 2 * y).sum()


Hs = hessian(quadratic, (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
print(type(Hs).__name__, len(Hs), len(Hs[0]))
print(Hs[0][0])
print(Hs[0][1])
print(Hs[1][1])

double_input = torch.tensor([0.3, 0.7], dtype=torch.float64)
print(hessian(lambda v: torch.log(v).sum() * v.prod(), double_input))
