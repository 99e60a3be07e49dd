"""Straight-through estimator: round in the forward pass, identity gradient in the backward pass."""
import torch
import torch.nn.functional as F


class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # pretend round was the identity


x = torch.tensor([0.2, 1.7, -0.6, 2.5], requires_grad=True)
print("torch.round gradient:")
torch.round(x).sum().backward()
print(x.grad)

x.grad = None
print("straight-through gradient:")
RoundSTE.apply(x).sum().backward()
print(x.grad)

# learn a weight that only ever acts through its rounded value
torch.manual_seed(0)
inputs = torch.randn(8)
targets = 3 * inputs
w = torch.tensor(0.4, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.2)
for epoch in range(6):
    opt.zero_grad()
    loss = F.mse_loss(RoundSTE.apply(w) * inputs, targets)
    loss.backward()
    opt.step()
    print(f"epoch {epoch}: w = {w.item():.3f}, rounded = {RoundSTE.apply(w).item():.0f}, loss = {loss.item():.4f}")
