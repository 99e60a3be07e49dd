"""Initialising weights with torch.nn.init, one function at a time and with model.apply."""
import torch
from torch import nn

torch.manual_seed(0)
w = torch.empty(2, 3)

nn.init.zeros_(w)
print("zeros_:", w)
nn.init.ones_(w)
print("ones_:", w)
nn.init.constant_(w, 0.3)
print("constant_:", w)
nn.init.normal_(w, mean=0.0, std=0.01)
print("normal_:", w)
nn.init.uniform_(w, a=-1.0, b=1.0)
print("uniform_:", w)
nn.init.xavier_uniform_(w)
print("xavier_uniform_:", w)
nn.init.kaiming_uniform_(w, nonlinearity="relu")
print("kaiming_uniform_:", w)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.01)
        nn.init.zeros_(m.bias)


net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
net.apply(init_weights)
print(net[1].weight)
print(net[1].bias)
print(net[3].weight.requires_grad, type(net[3].weight).__name__)

layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.fill_(0.5)
    layer.bias.zero_()
print(layer.weight, layer.bias)
print(layer(torch.ones(1, 3)))
