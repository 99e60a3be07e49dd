"""Linear regression from scratch: synthetic data, a minibatch generator, and a hand-written SGD."""
import random

import torch

random.seed(0)
torch.manual_seed(0)


def make_dataset(true_w, true_b, n):
    """Features from N(0, 1), labels = X w + b plus a little Gaussian noise."""
    features = torch.normal(0, 1, (n, len(true_w)))
    labels = torch.matmul(features, true_w) + true_b
    labels += torch.normal(0, 0.01, labels.shape)
    return features, labels.reshape((-1, 1))


def minibatches(batch_size, features, labels):
    order = list(range(len(features)))
    random.shuffle(order)  # visit the examples in a random order
    for start in range(0, len(order), batch_size):
        picked = torch.tensor(order[start:start + batch_size])
        yield features[picked], labels[picked]


def predict(X, w, b):
    return torch.matmul(X, w) + b


def half_squared_error(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
            p.grad.zero_()


true_w = torch.tensor([2.0, -3.4])
true_b = 4.2
features, labels = make_dataset(true_w, true_b, 200)
print("features:", features[0], "\nlabel:", labels[0])

X_batch, y_batch = next(minibatches(5, features, labels))
print(X_batch, "\n", y_batch)

w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10

for epoch in range(num_epochs):
    for X, y in minibatches(batch_size, features, labels):
        loss = half_squared_error(predict(X, w, b), y)
        loss.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = half_squared_error(predict(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")

print(f"error in w: {true_w - w.reshape(true_w.shape)}")
print(f"error in b: {true_b - b}")
