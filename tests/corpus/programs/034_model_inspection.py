"""Inspecting a model: print(model), named_parameters(), state_dict(), train()/eval(), children()."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoLayerNet(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.dropout = nn.Dropout(p=0.5)
        self.fc2 = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


torch.manual_seed(0)
net = TwoLayerNet(4, 3, 2)
print(net)

for name, param in net.named_parameters():
    print(f"{name:12s} {tuple(param.shape)} requires_grad={param.requires_grad}")

total = sum(p.numel() for p in net.parameters())
print("total parameters:", total)

state = net.state_dict()
print(list(state.keys()))
print(state["fc2.bias"])
print(type(state).__name__)

print("training?", net.training)
net.eval()
print("after eval():", net.training, net.dropout.training)
x = torch.ones(2, 4)
with torch.no_grad():
    print(net(x))
net.train()
print("after train():", net.training)

print([type(m).__name__ for m in net.children()])
print([name for name, _ in net.named_modules()])
print(net.fc1)
print(net.fc1.weight)
