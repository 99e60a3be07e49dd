"""The loss functions as modules and as functions, checked against their formulas."""
import torch
import torch.nn as nn
import torch.nn.functional as F

pred = torch.tensor([0.5, 1.5, 2.0, -1.0], requires_grad=True)
target = torch.tensor([1.0, 1.0, 3.0, 0.0])

mse = nn.MSELoss()
print(mse(pred, target), ((pred - target) ** 2).mean())
print(nn.MSELoss(reduction="sum")(pred, target))
print(nn.MSELoss(reduction="none")(pred, target))
print(nn.L1Loss()(pred, target), F.l1_loss(pred, target, reduction="sum"))

probs = torch.tensor([0.9, 0.2, 0.6])
labels = torch.tensor([1.0, 0.0, 1.0])
print(nn.BCELoss()(probs, labels))
print(-(labels * probs.log() + (1 - labels) * (1 - probs).log()).mean())
logits = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
bce_logits = nn.BCEWithLogitsLoss()(logits, labels)
print(bce_logits)
bce_logits.backward()
print(logits.grad)

scores = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], requires_grad=True)
classes = torch.tensor([0, 2])
ce = nn.CrossEntropyLoss()(scores, classes)
nll = nn.NLLLoss()(F.log_softmax(scores, dim=1), classes)
print(ce, nll)
print(nn.LogSoftmax(dim=1)(scores))
print(nn.Softmax(dim=1)(scores))
ce.backward()
print(scores.grad)
print(F.softmax(scores, dim=1) - F.one_hot(classes, 3))
