"""A cubic polynomial with a hand-written derivative, then gradient descent to its local minimum."""
import torch


class Cubic(torch.autograd.Function):
    """p(x) = x^3 - 2x^2 + 0.5,  p'(x) = 3x^2 - 4x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3 - 2 * x ** 2 + 0.5

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (3 * x ** 2 - 4 * x)


points = torch.tensor([-1.0, 0.0, 1.0, 2.0, 3.0], requires_grad=True)
values = Cubic.apply(points)
values.backward(torch.ones_like(values))
print("p(x)  =", values.detach())
print("p'(x) =", points.grad)

same_points = points.detach().clone().requires_grad_()
(same_points ** 3 - 2 * same_points ** 2 + 0.5).sum().backward()
print("autograd agrees:", torch.equal(points.grad, same_points.grad))

x = torch.tensor(2.5, requires_grad=True)
lr = 0.1
for step in range(40):
    loss = Cubic.apply(x)
    loss.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    if step % 10 == 9:
        print(f"step {step + 1}: x = {x.item():.4f}, p(x) = {loss.item():.4f}")
print("expected minimum at 4/3 =", round(4 / 3, 4))
