"""One tanh neuron by hand (lecture-notebook style), then the same neuron in torch for comparison."""
import math

import torch

# inputs, weights and bias of a single neuron
x1, x2 = 1.5, -0.5
w1, w2 = -2.0, 1.25
bias = 3.1

# forward by hand
n = x1 * w1 + x2 * w2 + bias
o = math.tanh(n)
# backward by hand: do/dn = 1 - tanh(n)^2
do_dn = 1 - o ** 2
grads_by_hand = {"x1": w1 * do_dn, "w1": x1 * do_dn, "x2": w2 * do_dn, "w2": x2 * do_dn}
print(f"n = {n:.4f}, o = {o:.4f}")
print({k: round(v, 4) for k, v in grads_by_hand.items()})

t_x1 = torch.Tensor([x1]).double()
t_x1.requires_grad = True
t_x2 = torch.Tensor([x2]).double()
t_x2.requires_grad = True
t_w1 = torch.Tensor([w1]).double()
t_w1.requires_grad = True
t_w2 = torch.Tensor([w2]).double()
t_w2.requires_grad = True
t_b = torch.Tensor([bias]).double()
t_b.requires_grad = True

t_n = t_x1 * t_w1 + t_x2 * t_w2 + t_b
t_o = torch.tanh(t_n)
print(t_o.data.item())
t_o.backward()

print("---")
print("x2", t_x2.grad.item())
print("w2", t_w2.grad.item())
print("x1", t_x1.grad.item())
print("w1", t_w1.grad.item())
print("agree to 1e-6 (torch.Tensor rounds 3.1 to float32 first):", all(abs(grads_by_hand[k] - t.grad.item()) < 1e-6
                    for k, t in {"x1": t_x1, "w1": t_w1, "x2": t_x2, "w2": t_w2}.items()))
print(t_o)
print(t_o.dtype, t_o.grad_fn)
