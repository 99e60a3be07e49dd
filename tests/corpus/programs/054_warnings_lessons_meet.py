"""Warnings a learner meets, printed between the lesson's own output as a notebook shows them."""
import torch
import torch.nn as nn
import torch.nn.functional as F

print("1. a target shape that silently broadcasts")
pred = torch.tensor([[0.5], [1.5], [2.5]], requires_grad=True)
target = torch.tensor([1.0, 2.0, 3.0])
loss = F.mse_loss(pred, target)
print("loss:", loss)
print("fixed:", F.mse_loss(pred, target.unsqueeze(1)))

print("2. softmax without dim")
scores = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
print(F.softmax(scores))

print("3. building a tensor from a tensor")
a = torch.tensor([1.0, 2.0])
b = torch.tensor(a)
print(b)

print("4. old loss arguments")
old_loss = nn.MSELoss(size_average=False)
print(old_loss)
print(old_loss(pred, target.unsqueeze(1)))

print("5. .grad of an intermediate result")
h = pred * 2
h.sum().backward()
print(f"h.grad = {h.grad}")
print("done")
