"""Checking torch's derivatives against the math module at random points."""
import math
import random

import torch

random.seed(2024)
points = [round(random.uniform(-2, 2), 3) for _ in range(5)]
print("points:", points)

cases = {
    "sin": (torch.sin, math.cos),
    "exp": (torch.exp, math.exp),
    "tanh": (torch.tanh, lambda v: 1 - math.tanh(v) ** 2),
    "sigmoid": (torch.sigmoid, lambda v: math.exp(-v) / (1 + math.exp(-v)) ** 2),
}

for name, (fn, derivative) in cases.items():
    worst = 0.0
    for p in points:
        x = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        fn(x).backward()
        worst = max(worst, abs(x.grad.item() - derivative(p)))
    print(f"{name:8s} agrees with math to 1e-12: {worst < 1e-12}")

x = torch.tensor(points, requires_grad=True)
y = torch.log(1 + x ** 2)
y.sum().backward()
print([round(g, 4) for g in x.grad.tolist()])
print([round(2 * p / (1 + p * p), 4) for p in points])
print(math.pi, torch.tensor(math.pi), torch.tensor(math.pi, dtype=torch.float64))
