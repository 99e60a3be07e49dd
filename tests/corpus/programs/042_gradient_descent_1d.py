"""Gradient descent on f(x) = (x - 3)^2 + 1 with a scalar tensor, step by step."""
import torch

x = torch.tensor(0.0, requires_grad=True)
learning_rate = 0.2
history = []

for step in range(12):
    f = (x - 3) ** 2 + 1
    f.backward()
    history.append((step, x.item(), f.item(), x.grad.item()))
    with torch.no_grad():
        x -= learning_rate * x.grad
    x.grad.zero_()

for step, xv, fv, gv in history[:4] + history[-2:]:
    print(f"step {step:2d}: x = {xv:.4f}  f(x) = {fv:.4f}  f'(x) = {gv:.4f}")

print("final x:", x)
print(f"distance to the minimum: {abs(3 - x.item()):.6f}")

# the same with an optimizer
y = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.SGD([y], lr=learning_rate)
for _ in range(12):
    opt.zero_grad()
    loss = (y - 3) ** 2 + 1
    loss.backward()
    opt.step()
print("optimizer result:", y, "same:", torch.equal(x, y))
