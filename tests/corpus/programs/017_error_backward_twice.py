"""Calling backward twice through the same graph, and how retain_graph=True changes that."""
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x.exp() * 3).sum()
y.backward()
print("first backward:", x.grad)

try:
    y.backward()
except RuntimeError as e:
    print("second backward failed:")
    print(e)

x.grad = None
y = (x.exp() * 3).sum()
y.backward(retain_graph=True)
y.backward()
print("with retain_graph the gradients add up:", x.grad)
