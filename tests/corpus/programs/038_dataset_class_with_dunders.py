"""A hand-written dataset and trainer: __len__, __getitem__, __iter__, __repr__, __call__, *args, **kwargs."""
import torch
from torch import nn


class ToyDataset:
    def __init__(self, n, noise=0.05):
        self.x = torch.linspace(0, 1, n).reshape(-1, 1)
        self.y = 2 * self.x - 1 + noise * torch.randn(n, 1)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return f"ToyDataset(n={len(self)})"


class Trainer:
    def __init__(self, model, *, lr=0.1, **options):
        self.model = model
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, **options)
        self.history = []

    def __call__(self, *batches):
        for xb, yb in batches:
            self.optimizer.zero_grad()
            loss = nn.functional.mse_loss(self.model(xb), yb)
            loss.backward()
            self.optimizer.step()
            self.history.append(loss.item())
        return self.history[-1]

    def __len__(self):
        return len(self.history)

    def __repr__(self):
        return f"<Trainer steps={len(self)} last_loss={self.history[-1]:.4f}>"


torch.manual_seed(3)
data = ToyDataset(10)
print(data, len(data))
print(data[0])
xs = torch.stack([x for x, _ in data])
ys = torch.stack([y for _, y in data])
print(xs.shape, ys.shape)

torch.manual_seed(0)
trainer = Trainer(nn.Linear(1, 1), lr=0.5, momentum=0.5)
for _ in range(20):
    trainer((xs, ys))
print(trainer)
print(f"{trainer.history[0]:.4f} -> {trainer.history[-1]:.4f}")


def describe(*args, **kwargs):
    return f"{len(args)} positional, keywords {sorted(kwargs)}"


print(describe(xs, ys, lr=0.1, momentum=0.9))
