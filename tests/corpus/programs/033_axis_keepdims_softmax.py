"""Reductions with axis= / keepdims= (NumPy spellings) and a softmax written by hand."""
import torch

torch.manual_seed(0)
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(axis=0))
print(X.sum(axis=1, keepdims=True))
print(X.sum(dim=1, keepdim=True))
print(X.mean(axis=0), X.sum())
print(torch.sum(X, dim=0), torch.sum(X, 1, keepdim=True))


def softmax(logits):
    exps = torch.exp(logits)
    partition = exps.sum(1, keepdims=True)
    return exps / partition  # broadcasting divides each row by its own total


logits = torch.normal(0, 1, (2, 5))
probs = softmax(logits)
print(probs)
print(probs.sum(1))

r = torch.randn(size=(2, 3))
print(r)
print(torch.zeros(size=(2, 2)), torch.ones(size=(1, 3)))

x = torch.ones(2, 3, requires_grad=True)
x.sum(axis=0).sum().backward()
print(x.grad)
print(X.max(axis=1))
print(X.argmax(axis=1))
