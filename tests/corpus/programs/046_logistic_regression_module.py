"""Logistic regression as an nn.Module with sigmoid output and BCELoss."""
import torch
import torch.nn as nn

torch.manual_seed(5)
n = 40
X = torch.cat([torch.randn(n // 2, 2) + 1.5, torch.randn(n // 2, 2) - 1.5])
y = torch.cat([torch.ones(n // 2, 1), torch.zeros(n // 2, 1)])


class LogisticRegression(nn.Module):
    def __init__(self, n_features):
        super(LogisticRegression, self).__init__()  # noqa: UP008  (the older spelling lessons still use)
        self.linear = nn.Linear(n_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression(2)
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

for epoch in range(1, 31):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 10 == 0:
        print(f"epoch: {epoch}, loss = {loss.item():.4f}")

with torch.no_grad():
    predicted = model(X).round()
    acc = predicted.eq(y).sum() / float(y.shape[0])
print(f"accuracy: {acc.item():.4f}")
print(y_pred.grad_fn, loss.grad_fn)

logits_loss = nn.BCEWithLogitsLoss()(model.linear(X), y)
print(torch.isclose(logits_loss, criterion(model(X), y)))
