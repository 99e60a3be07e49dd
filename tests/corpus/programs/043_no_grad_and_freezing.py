"""Turning gradient tracking off: no_grad, set_grad_enabled, inference, and frozen parameters."""
import torch
from torch import nn

x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad, y.grad_fn)

print(torch.is_grad_enabled())
torch.set_grad_enabled(False)
z = x * 2
print(z.requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)

with torch.set_grad_enabled(False):
    print((x + 1).requires_grad)
with torch.enable_grad():
    print((x + 1).requires_grad)


@torch.no_grad()
def evaluate(t):
    return t ** 2


print(evaluate(x), evaluate(x).requires_grad)

# freeze the first layer of a model
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
for p in model[0].parameters():
    p.requires_grad = False
trainable = [name for name, p in model.named_parameters() if p.requires_grad]
print("trainable:", trainable)
model(torch.ones(4, 2)).sum().backward()
print("frozen weight grad:", model[0].weight.grad)
print("last layer bias grad:", model[2].bias.grad)

model.requires_grad_(False)
print([p.requires_grad for p in model.parameters()])
