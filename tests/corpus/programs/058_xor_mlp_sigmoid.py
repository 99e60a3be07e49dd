"""The XOR problem: a linear model cannot solve it, a small MLP with sigmoids can."""
import torch
from torch import nn

X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])

torch.manual_seed(4)
linear_only = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
mlp = nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1), nn.Sigmoid())
print(mlp)


def train(model, steps, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), Y)
        loss.backward()
        optimizer.step()
    return loss.item()


print(f"linear model loss: {train(linear_only, 150, 0.1):.3f}")
print(f"MLP loss:          {train(mlp, 250, 0.05):.3f}")
with torch.no_grad():
    print("linear predictions:", linear_only(X).squeeze().round())
    print("MLP predictions:   ", mlp(X).squeeze().round())
print(mlp(X).grad_fn)
