"""Second derivatives with torch.autograd.grad(create_graph=True)."""
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x ** 3 - 4 * x

(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx:", dy_dx)
print(dy_dx.requires_grad, dy_dx.grad_fn)

(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print("d2y/dx2:", d2y_dx2)

# third derivative needs create_graph at each step
t = torch.tensor(1.5, requires_grad=True)
f = torch.sin(t)
derivs = []
current = f
for _ in range(4):
    (current,) = torch.autograd.grad(current, t, create_graph=True)
    derivs.append(round(current.item(), 4))
print("derivatives of sin at 1.5:", derivs)

# the gradient penalty pattern: differentiate the norm of a gradient
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
loss = (w ** 2).sum() * 0.5 + w.prod()
(g,) = torch.autograd.grad(loss, w, create_graph=True)
penalty = g.pow(2).sum()
penalty.backward()
print("g =", g)
print("d penalty / dw =", w.grad)
