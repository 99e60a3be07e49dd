"""A ReLU written by hand as a torch.autograd.Function and checked against torch.relu."""
import torch


class ClampedLinearUnit(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        # keep the input: backward needs to know where it was negative
        ctx.save_for_backward(inp)
        return inp.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_out):
        (inp,) = ctx.saved_tensors
        grad_in = grad_out.clone()
        grad_in[inp < 0] = 0
        return grad_in


torch.manual_seed(0)
x = torch.randn(6, requires_grad=True)
print("x =", x)

relu = ClampedLinearUnit.apply
y = relu(x)
print("y =", y)
print(y.grad_fn)
print("node name:", type(y.grad_fn).__name__)

weights = torch.arange(1.0, 7.0)
(y * weights).sum().backward()
print("our grad:  ", x.grad)

x_ref = x.detach().clone().requires_grad_(True)
(torch.relu(x_ref) * weights).sum().backward()
print("torch grad:", x_ref.grad)
print("identical:", torch.equal(x.grad, x_ref.grad))

# without requires_grad there is no graph at all
plain = relu(torch.tensor([-1.5, 0.0, 2.5]))
print(plain, plain.requires_grad, plain.grad_fn)
