"""A lesson laid out as a script: __future__ annotations, typed helpers and a __main__ guard."""
from __future__ import annotations

import torch


def numerical_grad(f, x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Central differences, one coordinate at a time."""
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def analytic_grad(f, x: torch.Tensor) -> torch.Tensor:
    x = x.detach().clone().requires_grad_(True)
    f(x).backward()
    return x.grad


def loss_fn(x: torch.Tensor) -> torch.Tensor:
    return (x.sin() * x ** 2).sum()


def main() -> None:
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    g_auto = analytic_grad(loss_fn, x)
    g_num = numerical_grad(loss_fn, x)
    print("autograd :", g_auto)
    print("numerical:", g_num)
    print("max difference below 1e-6:", (g_auto - g_num).abs().max().item() < 1e-6)
    print("dtype kept through the helpers:", g_auto.dtype, g_num.dtype)


if __name__ == "__main__":
    main()
