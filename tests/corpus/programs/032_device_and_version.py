"""Device-agnostic lesson code: torch.device, .to(device), cuda.is_available() and the version."""
import torch
from torch import nn

print("torch version:", torch.__version__)
print("CUDA available:", torch.cuda.is_available())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("using", device)
print(repr(device), device.type)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
print(x.device)
x_dev = x.to(device)
print(x_dev.device, x_dev is x)
y = torch.ones(3, device=device)
print(y, y.device)

torch.manual_seed(0)
model = nn.Linear(3, 1).to(device)
out = model(x_dev)
print(out.device, out.shape)
out.backward()
print(model.weight.grad)
print(next(model.parameters()).device)
print(x.cpu() is x, x.to("cpu").device, torch.device("cpu") == device)
print(x.to(torch.float64))
print(x.to(device, dtype=torch.float64).dtype)
