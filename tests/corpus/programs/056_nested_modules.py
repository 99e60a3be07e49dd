"""Modules inside modules: parameter names, ModuleList, modules(), load_state_dict."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(width, width), nn.Tanh())

    def forward(self, x):
        return x + self.net(x)  # a residual connection


class Stack(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.blocks = nn.ModuleList([Block(width) for _ in range(depth)])
        self.head = nn.Linear(width, 1)

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.head(x)


torch.manual_seed(0)
model = Stack(3, 2)
print(model)
print([name for name, _ in model.named_parameters()])
print(sum(1 for _ in model.modules()), len(list(model.children())))

x = torch.tensor([[0.1, 0.2, 0.3]])
out = model(x)
print(out, out.grad_fn)
out.backward()
print(model.blocks[1].net[0].bias.grad)

copy = Stack(3, 2)
print(torch.equal(copy.head.weight, model.head.weight))
result = copy.load_state_dict(model.state_dict())
print(result)
print(torch.equal(copy.head.weight, model.head.weight))
print(torch.equal(copy(x), model(x)))
