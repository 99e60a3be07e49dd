"""The base of every optimizer: parameter groups (a group's own settings win over the defaults), per-parameter
state, zero_grad, state_dict and the printed form, as torch.optim.Optimizer has them."""

from __future__ import annotations

import contextlib
from collections import defaultdict

import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor


@contextlib.contextmanager
def updating_parameters():
    """What an optimizer's step runs under: no graph, and inf or nan computed silently, as PyTorch's are."""
    with no_grad(), np.errstate(all="ignore"):
        yield


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

    def step(self, closure=None):
        """One update of every parameter that has a gradient (each optimizer's `_update` is its formula); the
        loss the closure returns, when one is given."""
        loss = self._closure_loss(closure)
        with updating_parameters():
            for group in self.param_groups:
                for p in group["params"]:
                    if p._grad is not None:
                        self._update(p, group)
                        p._bump_version()
        return loss

    def _update(self, p: Tensor, group: dict) -> None:
        """Move p._data in place by one step, from p._grad and the group's settings; what an optimizer keeps
        between steps lives in self.state[p]."""
        raise NotImplementedError

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()
