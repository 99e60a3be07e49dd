"""Softmax regression from scratch: parameters by hand, cross-entropy by fancy indexing, accuracy."""
import torch

torch.manual_seed(0)
num_inputs, num_outputs, n = 4, 3, 60
centres = torch.tensor([[2.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 2.0, 2.0]])
labels = torch.arange(n) % num_outputs
features = centres[labels] + torch.randn(n, num_inputs)

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1, keepdim=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).type(y.dtype) == y).sum())


y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
y = torch.tensor([0, 2])
print(y_hat[[0, 1], y])
print(cross_entropy(y_hat, y))
print(accuracy(y_hat, y) / len(y))

lr = 0.1
for epoch in range(5):
    for start in range(0, n, 15):
        X_b, y_b = features[start:start + 15], labels[start:start + 15]
        l = cross_entropy(net(X_b), y_b)  # noqa: E741
        l.mean().backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
            W.grad.zero_()
            b.grad.zero_()
    with torch.no_grad():
        train_loss = cross_entropy(net(features), labels).mean()
        train_acc = accuracy(net(features), labels) / n
    print(f"epoch {epoch + 1}: loss {train_loss:.4f}, acc {train_acc:.3f}")
