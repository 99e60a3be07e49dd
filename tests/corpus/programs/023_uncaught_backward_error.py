"""A lesson cell that ends in an error, as a notebook shows it: output first, then the exception."""
import torch

x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
g = torch.autograd.grad(y, x)
print("dy/dx at 3:", g)
print("done with the first graph; asking again...")
torch.autograd.grad(y, x)
print("never printed")
