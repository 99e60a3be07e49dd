"""`engine.optim`: SGD (momentum, dampening, Nesterov, weight decay), Adam, AdamW, RMSprop, Adagrad and Adamax,
computed as PyTorch's single-tensor implementations compute them (each `add(..., alpha=...)` one fused
multiply-add), so parameters follow PyTorch's to the last bit; `lr_scheduler`'s StepLR and ExponentialLR."""

from __future__ import annotations

import numpy as np

from .. import ops
from ..numerics import add_scaled
from ..tensor import Tensor, wrap
from .optimizer import Optimizer


# Each optimizer's `_update` is its formula (Optimizer.step runs it for every parameter that has a gradient), as
# PyTorch's single-tensor implementations compute it: each in-place tensor op as the engine's op of the same name
# computes it (mul_, addcmul_, addcdiv_, lerp_: the registry's forwards, PyTorch's kernels), so that parameters
# follow PyTorch's to the last bit.
def _addcmul(x, tensor1, tensor2, value):
    return ops.ADDCMUL.forward(x, tensor1, tensor2, value=value)


def _addcdiv(x, tensor1, tensor2, value):
    return ops.ADDCDIV.forward(x, tensor1, tensor2, value=value)


def _gradient(p, group) -> np.ndarray:
    """The gradient an update uses: negated to maximize, with the weight decay added (grad + wd * param)."""
    g = -p._grad._data if group["maximize"] else p._grad._data
    return add_scaled(g, p._data, group["weight_decay"]) if group["weight_decay"] else g


def _check(value, name, low=0.0) -> None:
    if not low <= value:
        raise ValueError(f"Invalid {name}: {value}")


def _new_step() -> Tensor:
    return wrap(np.zeros((), np.float32))


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

    def _update(self, p, group):
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        d = _gradient(p, group)
        if momentum:
            state = self.state[p]  # (only with momentum: plain SGD keeps no state, as in PyTorch)
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = np.array(d, copy=True)
            else:
                buffer = add_scaled(buffer._data * buffer._data.dtype.type(momentum), d, 1 - dampening)
            state["momentum_buffer"] = buffer = wrap(np.asarray(buffer))
            d = add_scaled(d, buffer._data, momentum) if group["nesterov"] else buffer._data
        p._data[...] = add_scaled(p._data, d, -lr)


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

    def _update(self, p, group):
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        g = -p._grad._data if group["maximize"] else p._grad._data
        if weight_decay:
            if group["decoupled_weight_decay"]:
                p._data *= p._data.dtype.type(1 - lr * weight_decay)
            else:
                g = g + weight_decay * p._data
        state = self.state[p]
        if not state:
            state["step"] = _new_step()
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


class AdamW(Adam):
    """Adam with the weight decay applied to the parameters directly (decoupled), as torch.optim.AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check(lr, "learning rate")
        _check(eps, "epsilon value")
        _check(momentum, "momentum value")
        _check(weight_decay, "weight_decay value")
        _check(alpha, "alpha value")
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p, group):
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        state = self.state[p]
        if not state:
            state["step"] = _new_step()
            state["square_avg"] = wrap(np.zeros_like(p._data))
            if momentum > 0:
                state["momentum_buffer"] = wrap(np.zeros_like(p._data))
            if group["centered"]:
                state["grad_avg"] = wrap(np.zeros_like(p._data))
        g = _gradient(p, group)
        t = p._data.dtype.type
        state["step"]._data += 1
        square_avg = state["square_avg"]._data
        square_avg[...] = _addcmul(square_avg * t(alpha), g, g, 1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            grad_avg[...] = ops.LERP.forward(grad_avg, g, weight=1 - alpha)
            avg = np.sqrt(_addcmul(square_avg, grad_avg, grad_avg, -1))
        else:
            avg = np.sqrt(square_avg)
        avg = avg + t(eps)
        if momentum > 0:
            buffer = state["momentum_buffer"]._data
            buffer[...] = _addcdiv(buffer * t(momentum), g, avg, 1)
            p._data[...] = add_scaled(p._data, buffer, -lr)
        else:
            p._data[...] = _addcdiv(p._data, g, avg, -lr)


class Adagrad(Optimizer):
    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check(lr, "learning rate")
        _check(lr_decay, "lr_decay value")
        _check(weight_decay, "weight_decay value")
        _check(initial_accumulator_value, "initial_accumulator_value value")
        _check(eps, "epsilon value")
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # (Adagrad's state exists from the start, as in PyTorch)
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _new_step()
                state["sum"] = wrap(np.full_like(p._data, group["initial_accumulator_value"]))

    def _update(self, p, group):
        state = self.state[p]
        state["step"]._data += 1
        step = float(state["step"]._data)
        g = _gradient(p, group)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = state["sum"]._data
        total[...] = _addcmul(total, g, g, 1)
        std = np.sqrt(total) + p._data.dtype.type(group["eps"])
        p._data[...] = _addcdiv(p._data, g, std, -clr)


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check(lr, "learning rate")
        _check(eps, "epsilon value")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        _check(weight_decay, "weight_decay value")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _update(self, p, group):
        (beta1, beta2), eps = group["betas"], group["eps"]
        state = self.state[p]
        if not state:
            state["step"] = _new_step()
            state["exp_avg"] = wrap(np.zeros_like(p._data))
            state["exp_inf"] = wrap(np.zeros_like(p._data))
        g = _gradient(p, group)
        t = p._data.dtype.type
        state["step"]._data += 1
        exp_avg, exp_inf = state["exp_avg"]._data, state["exp_inf"]._data
        exp_avg[...] = ops.LERP.forward(exp_avg, g, weight=1 - beta1)
        exp_inf[...] = np.maximum(exp_inf * t(beta2), np.abs(g) + t(eps))
        clr = group["lr"] / (1 - beta1 ** float(state["step"]._data))
        p._data[...] = _addcdiv(p._data, exp_avg, exp_inf, -clr)


# where PyTorch defines each (what type() prints)
for _cls, _module in ((Optimizer, "optimizer"), (SGD, "sgd"), (Adam, "adam"), (AdamW, "adamw"), (RMSprop, "rmsprop"),
                      (Adagrad, "adagrad"), (Adamax, "adamax")):
    _cls.__module__ = f"torch.optim.{_module}"
del _cls, _module


from . import lr_scheduler  # noqa: E402  (schedulers adjust the optimizers above)

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Adamax", "Optimizer", "RMSprop", "lr_scheduler"]


def __getattr__(name: str):
    # a name PyTorch may have and the engine lacks: PyTorch's own words, under PyTorch's module name
    raise AttributeError(f"module 'torch.optim' has no attribute '{name}'")
