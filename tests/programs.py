"""Programs that several test files draw (graph folding and labels, the Playground): one copy of each."""

# a model's layers, folded into boxes named by their attribute (fc1: Linear(4 -> 8)), trained in a loop
NET = """import torch
torch.manual_seed(0)

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 8)
        self.fc2 = torch.nn.Linear(8, 1)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))

model = Net()
x = torch.randn(16, 4)
y = torch.randn(16, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
print(loss)
"""

# x = x * w + b a hundred times: a loop the graph folds into one iteration marked "x100"
AFFINE_LOOP = """import torch
w = torch.tensor(0.9, requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
x = torch.tensor(1.0)
for k in range(100):
    x = x * w + b
x.backward()
"""
