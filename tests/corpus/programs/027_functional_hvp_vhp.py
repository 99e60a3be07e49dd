"""Hessian-vector products: hvp and vhp, compared with the full Hessian."""
import torch
from torch.autograd.functional import hessian, hvp, vhp


def energy(x):
    return (x[0] ** 2) * x[1] + torch.sin(x[1]) * x[2] + x[2] ** 3


x = torch.tensor([1.0, 0.5, -1.0])
v = torch.tensor([0.0, 1.0, 2.0])

value, Hv = hvp(energy, x, v)
print("energy =", value)
print("H v =", Hv)
value, vH = vhp(energy, x, v)
print("v H =", vH)

H = hessian(energy, x)
print(H)
print("hvp agrees with H @ v:", torch.allclose(H @ v, Hv))
print("symmetric Hessian, so vhp == hvp:", torch.allclose(Hv, vH))
