"""Linear regression as an nn.Module subclass, trained with MSELoss and SGD."""
import torch
from torch import nn

torch.manual_seed(1)
X = torch.linspace(-1, 1, 20).unsqueeze(1)
y = 3 * X + 0.5 + 0.1 * torch.randn(X.shape)


class LinearRegression(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x):
        return self.linear(x)


model = LinearRegression(1, 1)
print(model)
print("initial weight:", model.linear.weight)
print("initial bias:", model.linear.bias)

criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(60):
    prediction = model(X)
    loss = criterion(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 15 == 0:
        print(f"epoch {epoch + 1:3d}  loss = {loss.item():.4f}")

print("prediction.grad_fn:", prediction.grad_fn)
print("loss.grad_fn:", loss.grad_fn)
w = model.linear.weight.item()
b = model.linear.bias.item()
print(f"learned w = {w:.3f}, b = {b:.3f}")
with torch.no_grad():
    print(model(torch.tensor([[0.0], [2.0]])))
