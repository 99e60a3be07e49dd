"""A custom Function that takes plain Python numbers as well as a tensor."""
import torch
from torch.autograd import Function


class ScaleShift(Function):
    @staticmethod
    def forward(ctx, tensor, scale, shift=0.0):
        # non-tensor arguments are stored on ctx directly
        ctx.scale = scale
        return tensor * scale + shift

    @staticmethod
    def backward(ctx, grad_output):
        # one gradient per forward input: None for the Python numbers
        return grad_output * ctx.scale, None, None


class ForgetsTheNones(Function):
    @staticmethod
    def forward(ctx, tensor, scale):
        ctx.scale = scale
        return tensor * scale

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.scale


a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = ScaleShift.apply(a, 2.5, 1.0)
print(b)
b.sum().backward()
print("da =", a.grad)

a.grad = None
c = ScaleShift.apply(a, -3)
print(c)
(c * c).sum().backward()
print("da =", a.grad)

try:
    ForgetsTheNones.apply(a, 4.0).sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)
