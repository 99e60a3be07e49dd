"""Counting backward calls with global and nonlocal, collecting node names in a set, and id()."""
import torch

backward_calls = 0


def counting_hook(grad):
    global backward_calls
    backward_calls += 1
    return grad


def make_recorder():
    norms = []
    total = 0.0

    def record(grad):
        nonlocal total
        total += grad.abs().sum().item()
        norms.append(round(grad.norm().item(), 4))

    def report():
        return norms, total

    return record, report


record, report = make_recorder()
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
w.register_hook(counting_hook)
w.register_hook(record)

for k in range(3):
    loss = ((w * (k + 1)) ** 2).sum()
    loss.backward()

print("hook calls:", backward_calls)
norms, total = report()
print("gradient norms:", norms, "total |g|:", round(total, 4))
print("accumulated grad:", w.grad)


def node_names(t):
    names, stack = set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        names.add(type(node).__name__)
        stack.extend(fn for fn, _ in node.next_functions)
    return names


out = (w.exp() * w + w.sin()).sum()
print(sorted(node_names(out)))
print({"MulBackward0", "SumBackward0"} <= node_names(out))

v = w.detach()
print("detach shares memory but is a new object:", id(v) != id(w), v.data_ptr() == w.data_ptr())
same = w
print(id(same) == id(w))
