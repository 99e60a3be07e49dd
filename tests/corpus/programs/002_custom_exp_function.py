"""Exponential as a custom Function that saves its own output, verified with gradcheck."""
import torch
from torch.autograd import Function


class Exponential(Function):
    @staticmethod
    def forward(ctx, t):
        out = torch.exp(t)
        ctx.save_for_backward(out)  # d/dx e^x = e^x, so the output is all we need
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out


x = torch.tensor([0.0, 0.5, 1.0, -2.0], requires_grad=True)
y = Exponential.apply(x)
print("forward:", y)
print("grad_fn:", y.grad_fn)
y.sum().backward()
print("gradient:", x.grad)
print("matches torch.exp:", torch.allclose(x.grad, torch.exp(x.detach())))

# chain our function with built-in ops
z = Exponential.apply(x * 2).mean()
print(z)
x.grad = None
z.backward()
print(x.grad)

# gradcheck compares our backward with finite differences (in float64)
from torch.autograd import gradcheck  # noqa: E402

inputs = torch.randn(5, dtype=torch.double, requires_grad=True)
print("gradcheck:", gradcheck(Exponential.apply, (inputs,), eps=1e-6, atol=1e-4))
