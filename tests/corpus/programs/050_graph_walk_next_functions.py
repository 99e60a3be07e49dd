"""Walking the backward graph by hand through grad_fn.next_functions."""
import torch

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
c = a * b
d = c + a.exp()
e = d.relu() / 2
print(e)


def show(node, depth=0):
    if node is None:
        print("  " * depth + "None")
        return
    extra = ""
    if hasattr(node, "variable"):
        extra = f" -> leaf {node.variable.item()}"
    print("  " * depth + type(node).__name__ + extra)
    for child, _ in node.next_functions:
        show(child, depth + 1)


show(e.grad_fn)
print(e.grad_fn.next_functions)
print(e.grad_fn.name())
leaf_node = c.grad_fn.next_functions[0][0]
print(leaf_node, leaf_node.variable is a)
e.backward()
print(a.grad, b.grad)
