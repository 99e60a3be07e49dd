"""A small nn.Sequential classifier with CrossEntropyLoss and SGD with momentum."""
import torch
from torch import nn, optim

torch.manual_seed(0)
X = torch.randn(30, 4)
labels = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()

net = nn.Sequential(
    nn.Linear(4, 16),
    nn.ReLU(),
    nn.Linear(16, 3),
)
print(net)
print(net[0])
print("first layer weight shape:", net[0].weight.shape)

loss_fn = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
print("lr:", optimizer.param_groups[0]["lr"], "momentum:", optimizer.param_groups[0]["momentum"])
print("parameter tensors in the group:", len(optimizer.param_groups[0]["params"]))

for epoch in range(30):
    optimizer.zero_grad()
    logits = net(X)
    loss = loss_fn(logits, labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0 or epoch == 29:
        accuracy = (logits.argmax(dim=1) == labels).float().mean()
        print(f"epoch {epoch:2d} loss {loss.item():.4f} accuracy {accuracy.item():.2f}")

print(loss.grad_fn)
print(logits.grad_fn)
print(logits.grad_fn.next_functions)
print("class counts:", torch.bincount(labels))
