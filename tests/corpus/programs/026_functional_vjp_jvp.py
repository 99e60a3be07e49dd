"""Vector-Jacobian and Jacobian-vector products without building the Jacobian."""
import torch
from torch.autograd.functional import jacobian, jvp, vjp


def f(x):
    return torch.stack([x[0] * x[1], x[1] ** 2, torch.exp(x[0])])


x = torch.tensor([0.5, 2.0])
v_out = torch.tensor([1.0, 0.5, -1.0])
v_in = torch.tensor([1.0, -1.0])

out, vjp_value = vjp(f, x, v_out)
print("f(x) =", out)
print("v^T J =", vjp_value)

out, jvp_value = jvp(f, x, v_in)
print("J v =", jvp_value)

J = jacobian(f, x)
print("check vjp:", torch.allclose(v_out @ J, vjp_value))
print("check jvp:", torch.allclose(J @ v_in, jvp_value))


def scalar_fn(x):
    return (x ** 2).sum()


print(vjp(scalar_fn, torch.tensor([1.0, 2.0, 3.0])))
print(jvp(scalar_fn, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 0.0, 0.0])))
