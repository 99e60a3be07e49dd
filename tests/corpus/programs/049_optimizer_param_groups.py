"""Optimizer internals lessons show: print(optimizer), per-group learning rates, changing lr by hand."""
import torch
from torch import nn, optim

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))

optimizer = optim.SGD([
    {"params": model[0].parameters()},
    {"params": model[2].parameters(), "lr": 0.001},
], lr=0.01, momentum=0.9)
print(optimizer)
print(len(optimizer.param_groups))
print([g["lr"] for g in optimizer.param_groups])

x = torch.randn(5, 3)
target = torch.randn(5, 1)
for epoch in range(6):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    optimizer.step()
    if epoch == 2:
        for group in optimizer.param_groups:
            group["lr"] *= 0.5  # decay the learning rate by hand
    print(epoch, round(loss.item(), 4), [g["lr"] for g in optimizer.param_groups])

adam = optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
print(adam)
print(sorted(adam.param_groups[0].keys()))
