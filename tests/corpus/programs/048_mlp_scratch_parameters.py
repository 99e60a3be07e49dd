"""A multilayer perceptron from scratch with nn.Parameter weights and a hand-written ReLU."""
import torch
from torch import nn

torch.manual_seed(1)
num_inputs, num_hiddens, num_outputs = 6, 8, 3
W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.1)
b1 = nn.Parameter(torch.zeros(num_hiddens))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.1)
b2 = nn.Parameter(torch.zeros(num_outputs))
params = [W1, b1, W2, b2]
print(b2)


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def net(X):
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


X = torch.randn(12, num_inputs)
y = torch.randint(0, num_outputs, (12,))
print(y)
print(relu(torch.tensor([-1.0, 0.0, 2.0])))

loss = nn.CrossEntropyLoss(reduction="none")
updater = torch.optim.SGD(params, lr=0.5)
for epoch in range(4):
    updater.zero_grad()
    l = loss(net(X), y)  # noqa: E741
    l.mean().backward()
    updater.step()
    print(f"epoch {epoch}: mean loss {l.mean().item():.4f}, first three {l[:3].detach()}")
print(l.grad_fn)
print(net(X).grad_fn)
