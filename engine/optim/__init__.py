"""`engine.optim`: SGD (momentum, weight decay, as PyTorch computes them) and Adam."""

from __future__ import annotations

import numpy as np

from ..grad_mode import no_grad
from ..numerics import add_scaled
from ..tensor import Tensor


class Optimizer:
    def __init__(self, params, defaults: dict):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        if isinstance(params[0], dict):
            self.param_groups = [{**defaults, **g, "params": list(g["params"])} for g in params]
        else:
            self.param_groups = [{**defaults, "params": params}]
        for group in self.param_groups:
            for p in group["params"]:
                if not isinstance(p, Tensor):
                    raise TypeError(
                        f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
                if not p.is_leaf:
                    raise ValueError("can't optimize a non-leaf Tensor")
        self.defaults = defaults
        self.state: dict = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    p._grad._data[...] = 0

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in group if k != "params"):
                lines.append(f"    {k}: {group[k]}")
        lines.append(")")
        return "\n".join(lines)


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                                      foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            from ..grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                lr, mom, damp, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    # PyTorch's single-tensor SGD step by step; each add(.., alpha=..) is a fused multiply-add
                    d = p._grad._data
                    if group["maximize"]:
                        d = -d
                    if wd:
                        d = add_scaled(d, p._data, wd)
                    if mom:
                        buf = self.state.setdefault(id(p), {}).get("momentum_buffer")
                        if buf is None:
                            buf = np.array(d, copy=True)
                        else:
                            buf = add_scaled(buf * buf.dtype.type(mom), d, 1 - damp)
                        self.state[id(p)]["momentum_buffer"] = buf
                        d = add_scaled(d, buf, mom) if group["nesterov"] else buf
                    p._data[...] = add_scaled(p._data, d, -lr)
                    p._bump_version()
        return loss


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, **_ignored):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        with no_grad():
            for group in self.param_groups:
                lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    g = p._grad._data
                    if group["maximize"]:
                        g = -g
                    if wd:
                        g = g + wd * p._data
                    st = self.state.setdefault(id(p), {})
                    if not st:
                        st["step"] = 0
                        st["exp_avg"] = np.zeros_like(p._data)
                        st["exp_avg_sq"] = np.zeros_like(p._data)
                        if group["amsgrad"]:
                            st["max_exp_avg_sq"] = np.zeros_like(p._data)
                    st["step"] += 1
                    t = st["step"]
                    st["exp_avg"] += (1 - b1) * (g - st["exp_avg"])
                    st["exp_avg_sq"] *= b2
                    st["exp_avg_sq"] += (1 - b2) * g * g
                    # Python floats, as in PyTorch: a numpy float64 scalar would promote float32 state to float64
                    bc1 = 1 - b1**t
                    bc2_sqrt = (1 - b2**t) ** 0.5
                    sq = st["exp_avg_sq"]
                    if group["amsgrad"]:
                        np.maximum(st["max_exp_avg_sq"], sq, out=st["max_exp_avg_sq"])
                        sq = st["max_exp_avg_sq"]
                    denom = np.sqrt(sq) / bc2_sqrt + eps
                    # param.addcdiv_(exp_avg, denom, value=-step_size)
                    p._data -= ((lr / bc1) * (st["exp_avg"] / denom)).astype(p._data.dtype, copy=False)
                    p._bump_version()
        return loss


__all__ = ["SGD", "Adam", "Optimizer"]
