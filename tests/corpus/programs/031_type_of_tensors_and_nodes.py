"""type() of tensors, parameters, gradients and graph nodes."""
import torch
from torch import nn

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x * 2).sum()
print(type(x))
print(type(y))
print(type(y.grad_fn))
print(type(x * 2).__name__, type((x * 2).grad_fn).__name__)
y.backward()
print(type(x.grad))
print(type(y.grad_fn.next_functions[0][0]))
print(y.grad_fn.next_functions[0][0].next_functions)
print(isinstance(x, torch.Tensor), torch.is_tensor(x), torch.is_tensor([1.0]))

p = nn.Parameter(torch.zeros(2))
print(type(p), isinstance(p, torch.Tensor))
print(p)
print(type(torch.tensor(1.5).item()), type(torch.tensor(3).item()))
print(x.type(), torch.tensor([1, 2]).type(), torch.tensor([1.0], dtype=torch.float64).type())
print(type(torch.float32), torch.float32, x.dtype is torch.float32)
print(type(x.shape), x.shape)
print(type(nn.Linear(2, 1)), type(nn.MSELoss()))
