"""`engine.optim`: SGD (momentum, dampening, Nesterov, weight decay) and Adam, computed as PyTorch's single-tensor
implementations compute them (each `add(..., alpha=...)` one fused multiply-add), so parameters follow
PyTorch's to the last bit."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..numerics import add_scaled
from ..tensor import Tensor, wrap


class Optimizer:
    def __init__(self, params, defaults: dict):
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)  # parameter -> its state (momentum buffer, Adam's moments)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """A group's own settings win over the optimizer's; its keys come in PyTorch's order."""
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = {"params": params}
        for key, value in param_group.items():
            if key != "params":
                group[key] = value
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    p._grad._grad_fn = None
                    p._grad.zero_()

    def state_dict(self) -> dict:
        index = {}
        groups = []
        for group in self.param_groups:
            entry = {k: v for k, v in group.items() if k != "params"}
            entry["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(entry)
        state = {index[id(p)]: dict(values) for p, values in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            if i:
                lines.append("")
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()


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
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    d = -p._grad._data if group["maximize"] else p._grad._data
                    if group["weight_decay"]:
                        d = add_scaled(d, p._data, group["weight_decay"])
                    if momentum:
                        state = self.state[p]
                        buffer = state.get("momentum_buffer")
                        if buffer is None:
                            buffer = np.array(d, copy=True)
                        else:
                            buffer = add_scaled(buffer._data * buffer._data.dtype.type(momentum), d, 1 - dampening)
                        state["momentum_buffer"] = buffer = wrap(np.asarray(buffer))
                        d = add_scaled(d, buffer._data, momentum) if group["nesterov"] else buffer._data
                    p._data[...] = add_scaled(p._data, d, -lr)
                    p._bump_version()
        return loss


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    g = -p._grad._data if group["maximize"] else p._grad._data
                    if weight_decay:
                        if group["decoupled_weight_decay"]:
                            p._data *= p._data.dtype.type(1 - lr * weight_decay)
                        else:
                            g = g + weight_decay * p._data
                    state = self.state[p]
                    if not state:
                        state["step"] = wrap(np.zeros((), np.float32))
                        state["exp_avg"] = wrap(np.zeros_like(p._data))
                        state["exp_avg_sq"] = wrap(np.zeros_like(p._data))
                        if group["amsgrad"]:
                            state["max_exp_avg_sq"] = wrap(np.zeros_like(p._data))
                    state["step"]._data += 1
                    t = int(state["step"]._data)
                    exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
                    exp_avg += (1 - beta1) * (g - exp_avg)  # exp_avg.lerp_(grad, 1 - beta1)
                    exp_avg_sq *= beta2
                    exp_avg_sq += (1 - beta2) * g * g
                    # Python floats, as in PyTorch: a numpy float64 scalar would promote float32 state to float64
                    bias_correction1 = 1 - beta1**t
                    bias_correction2_sqrt = (1 - beta2**t) ** 0.5
                    squares = exp_avg_sq
                    if group["amsgrad"]:
                        np.maximum(state["max_exp_avg_sq"]._data, exp_avg_sq, out=state["max_exp_avg_sq"]._data)
                        squares = state["max_exp_avg_sq"]._data
                    denominator = np.sqrt(squares) / bias_correction2_sqrt + eps
                    # param.addcdiv_(exp_avg, denom, value=-step_size)
                    p._data -= ((lr / bias_correction1) * (exp_avg / denominator)).astype(p._data.dtype, copy=False)
                    p._bump_version()
        return loss


class AdamW(Adam):
    """Adam with the weight decay applied to the parameters directly (decoupled), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.optim' has no attribute '{name}'")
