"""A tiny scalar autograd (micrograd style) checked against torch on the same expression."""
import torch


class Scalar:
    def __init__(self, data, parents=(), op=""):
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.op = op
        self._push_grad = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data + other.data, (self, other), "+")

        def push():
            self.grad += out.grad
            other.grad += out.grad

        out._push_grad = push
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data * other.data, (self, other), "*")

        def push():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._push_grad = push
        return out

    def __pow__(self, k):
        out = Scalar(self.data ** k, (self,), f"**{k}")

        def push():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._push_grad = push
        return out

    def relu(self):
        out = Scalar(max(0.0, self.data), (self,), "relu")

        def push():
            self.grad += (out.data > 0) * out.grad

        out._push_grad = push
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __repr__(self):
        return f"Scalar(data={self.data:.4f}, grad={self.grad:.4f})"

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._push_grad()


a = Scalar(-3.0)
b = Scalar(2.5)
c = a * b + b ** 3
d = (c * 2 + (b + a).relu()) / 4
e = d - a * a
e.backward()
print("ours :", e, a, b)

ta = torch.tensor(-3.0, dtype=torch.double, requires_grad=True)
tb = torch.tensor(2.5, dtype=torch.double, requires_grad=True)
tc = ta * tb + tb ** 3
td = (tc * 2 + (tb + ta).relu()) / 4
te = td - ta * ta
te.backward()
print("torch:", te.item(), ta.grad.item(), tb.grad.item())

tol = 1e-6
print("forward matches:", abs(e.data - te.item()) < tol)
print("grads match:", abs(a.grad - ta.grad.item()) < tol and abs(b.grad - tb.grad.item()) < tol)
print("nodes in our graph:", len({id(n) for n in [a, b, c, d, e]}))
