"""Looking at intermediate gradients: retain_grad() and tensor hooks."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.retain_grad()
handle = y.register_hook(lambda grad: print("hook on y sees", grad))
z = (y ** 2).sum()
z.backward()
print("y.grad =", y.grad)
print("x.grad =", x.grad)
print("y.is_leaf:", y.is_leaf, " y.retains_grad:", y.retains_grad)
handle.remove()

# a hook can replace the gradient that flows on
x.grad = None
y = x * 2
y.register_hook(lambda grad: grad * 10)
y.sum().backward()
print("x.grad with a x10 hook on y:", x.grad)

# a hook on a leaf runs before the gradient is accumulated
x.grad = None
seen = []
x.register_hook(lambda grad: seen.append(grad.clone()))
(x ** 3).sum().backward()
print("hook on x saw:", seen[0])
print("x.grad:", x.grad)


def clip_hook(grad):
    return grad.clamp(-1, 1)


w = torch.tensor([0.5, -4.0], requires_grad=True)
w.register_hook(clip_hook)
(w ** 2).sum().backward()
print("clipped gradient:", w.grad)
