"""Adam on a two-layer classifier; what zero_grad() and zero_grad(set_to_none=False) leave behind."""
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(2)
inputs = torch.randn(24, 2)
targets = (inputs[:, 0] * inputs[:, 1] > 0).long()

model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.05)
group = optimizer.param_groups[0]
print("Adam defaults:", group["lr"], group["betas"], group["eps"], group["weight_decay"])

for step in range(25):
    optimizer.zero_grad()
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()
    if step % 8 == 0:
        print(f"step {step:2d}: loss {loss.item():.4f}")

print("after backward, bias grad is a tensor:", model[2].bias.grad is not None)
optimizer.zero_grad()
print("after zero_grad():", model[2].bias.grad)

loss = criterion(model(inputs), targets)
loss.backward()
optimizer.zero_grad(set_to_none=False)
print("after zero_grad(set_to_none=False):", model[2].bias.grad)

model.zero_grad()
print("model.zero_grad():", model[0].weight.grad)

with torch.no_grad():
    predicted = model(inputs).argmax(1)
print("train accuracy:", (predicted == targets).sum().item(), "/", len(targets))
