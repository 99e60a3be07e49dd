"""Old constructors: torch.Tensor(...), FloatTensor, LongTensor, DoubleTensor, and unbound methods."""
import torch

a = torch.Tensor([[1, 2], [3, 4]])
print(a, a.dtype)
print(torch.Tensor(2, 3).shape, torch.Tensor(2, 3).dtype)
print(torch.Tensor())
f = torch.FloatTensor([1.5, 2.5])
l = torch.LongTensor([1, 2, 3])  # noqa: E741
d = torch.DoubleTensor([0.1, 0.2])
print(f, l, d)
print(f.type(), l.type(), d.type())
print(l.type(torch.FloatTensor))
print(torch.FloatTensor(3).zero_())
print(isinstance(f, torch.FloatTensor), isinstance(l, torch.FloatTensor))

x = torch.tensor([0.5, -1.0], requires_grad=True)
y = torch.Tensor.tanh(x)
print(y)
print(torch.Tensor.sum(y))
z = torch.Tensor.mul(x, 3)
z.sum().backward()
print(x.grad)
print(torch.Tensor is type(x))
print(torch.ones(2).new_zeros(3), torch.ones(2).new_tensor([7.0, 8.0]))
