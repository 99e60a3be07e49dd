"""nn.Linear's default initialisation is reproducible under torch.manual_seed."""
import torch
from torch import nn

torch.manual_seed(42)
layer = nn.Linear(3, 2)
print(layer.weight)
print(layer.bias)

x = torch.tensor([[1.0, -1.0, 0.5]])
out = layer(x)
print(out)
print(out.grad_fn)

single = layer(torch.tensor([1.0, -1.0, 0.5]))
print(single, single.grad_fn)

torch.manual_seed(42)
again = nn.Linear(3, 2)
print("same weights after reseeding:", torch.equal(again.weight, layer.weight))

no_bias = nn.Linear(2, 2, bias=False)
print(no_bias, no_bias.bias)
print(no_bias(torch.ones(2, 2)).grad_fn)

out.sum().backward()
print(layer.weight.grad)
print(layer.bias.grad)
print(layer.in_features, layer.out_features)
