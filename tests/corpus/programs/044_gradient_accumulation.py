"""Gradients accumulate: backward twice with retain_graph, zero_(), and the gradient argument."""
import torch

inp = torch.eye(3, requires_grad=True)
out = (inp + 2).pow(2)
out.backward(torch.ones_like(inp), retain_graph=True)
print("first call\n" + str(inp.grad))
out.backward(torch.ones_like(inp), retain_graph=True)
print("\nsecond call\n" + str(inp.grad))
inp.grad.zero_()
out.backward(torch.ones_like(inp))
print("\nafter zeroing\n" + str(inp.grad))

# accumulating over "micro-batches" gives the same gradient as one big batch
w = torch.tensor([0.5, -0.5], requires_grad=True)
data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
for chunk in data.split(2):
    ((chunk @ w) ** 2).sum().backward()
accumulated = w.grad.clone()
w.grad = None
((data @ w) ** 2).sum().backward()
print(accumulated, w.grad, torch.allclose(accumulated, w.grad))
