"""torch.autograd.grad and torch.autograd.backward: grad_outputs, several inputs, retain_graph."""
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, -1.0], requires_grad=True)
z = x * y + x ** 2

gx, gy = torch.autograd.grad(z, (x, y), grad_outputs=torch.ones_like(z), retain_graph=True)
print("dz/dx:", gx)
print("dz/dy:", gy)
print("grads are not accumulated:", x.grad, y.grad)

(only_x,) = torch.autograd.grad(z.sum(), x, retain_graph=True)
print(only_x)

torch.autograd.backward(z, grad_tensors=torch.tensor([1.0, 0.5]))
print("after torch.autograd.backward:", x.grad, y.grad)

# a loss made of two parts; differentiate each part separately
w = torch.tensor([0.5, -0.25, 1.0], requires_grad=True)
data_term = (w * torch.tensor([1.0, 2.0, 3.0])).sum() ** 2
reg_term = 0.1 * (w ** 2).sum()
g_data = torch.autograd.grad(data_term, w, retain_graph=True)[0]
g_reg = torch.autograd.grad(reg_term, w, retain_graph=True)[0]
print(g_data, g_reg)
(data_term + reg_term).backward()
print(torch.allclose(w.grad, g_data + g_reg))
