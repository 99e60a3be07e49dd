"""Concise linear regression: TensorDataset, DataLoader, nn.Linear and the optimizer."""
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(0)
true_w = torch.tensor([1.0, -2.0])
features = torch.randn(40, 2)
labels = (features @ true_w + 0.5).reshape(-1, 1)

dataset = data.TensorDataset(features, labels)
print(len(dataset))
print(dataset[0])
loader = data.DataLoader(dataset, batch_size=10, shuffle=False)
first_x, first_y = next(iter(loader))
print(first_x.shape, first_y.shape)

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)

for epoch in range(3):
    for X, y in loader:
        l = loss(net(X), y)  # noqa: E741
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)  # noqa: E741
    print(f"epoch {epoch + 1}, loss {l:f}")

print("estimated w:", net[0].weight.data)
print("estimated b:", net[0].bias.data)
