"""What a backward node keeps: _saved_self, _saved_other, _saved_result, _saved_exponent."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)

m = x * w
print(m.grad_fn)
print("_saved_self:", m.grad_fn._saved_self)
print("_saved_other:", m.grad_fn._saved_other)
print("saved self is x:", m.grad_fn._saved_self is x)
print("saved self equals x:", m.grad_fn._saved_self.equal(x))

e = x.exp()
print(e.grad_fn)
print("_saved_result:", e.grad_fn._saved_result)
print("equal to the output:", e.grad_fn._saved_result.equal(e))

p = x ** 3
print(p.grad_fn, p.grad_fn._saved_exponent, type(p.grad_fn._saved_exponent).__name__)
print("_saved_self of pow:", p.grad_fn._saved_self)

s = x.sigmoid()
print(s.grad_fn._saved_result)

t = torch.tanh(w)
print(t.grad_fn._saved_result)

q = x / w
print(q.grad_fn._saved_other)
print(q.grad_fn._saved_self)
