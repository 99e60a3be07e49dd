"""A 2017-style training loop: Variables, torch.Tensor(...), and updates through .data."""
import torch
from torch.autograd import Variable

x_data = Variable(torch.Tensor([[1.0], [2.0], [3.0], [4.0]]))
y_data = Variable(torch.Tensor([[3.5], [6.0], [8.5], [11.0]]))

w = Variable(torch.Tensor([0.5]), requires_grad=True)
b = Variable(torch.Tensor([0.0]), requires_grad=True)


def forward(x):
    return x * w + b


learning_rate = 0.02
for epoch in range(8):
    y_pred = forward(x_data)
    loss = ((y_pred - y_data) ** 2).mean()
    loss.backward()
    w.data = w.data - learning_rate * w.grad.data
    b.data -= learning_rate * b.grad.data
    print("epoch", epoch, "loss", round(loss.data.item(), 5), "w", round(w.data.item(), 4))
    w.grad.data.zero_()
    b.grad.data.zero_()

print("predict 5 ->", forward(Variable(torch.Tensor([[5.0]]))).data)

# code written for PyTorch 0.3 read the loss with .data[0]
try:
    print(loss.data[0])
except IndexError as e:
    print("IndexError:", e)
