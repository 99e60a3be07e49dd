# 用 PyTorch 实现线性回归（课程风格：准备数据、设计模型、构造损失和优化器、训练循环）
import torch

# 1. 准备数据
x_data = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y_data = torch.tensor([[3.0], [5.0], [7.0], [9.0]])


# 2. 设计模型
class LinearModel(torch.nn.Module):
    def __init__(self):
        super(LinearModel, self).__init__()  # noqa: UP008
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        y_pred = self.linear(x)
        return y_pred


torch.manual_seed(10)
model = LinearModel()

# 3. 构造损失函数和优化器
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

# 4. 训练循环：前馈、反馈、更新
for epoch in range(100):
    y_pred = model(x_data)
    loss = criterion(y_pred, y_data)
    if epoch % 20 == 0:
        print("第", epoch, "轮，损失 =", round(loss.item(), 4))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print("w =", round(model.linear.weight.item(), 4))
print("b =", round(model.linear.bias.item(), 4))

x_test = torch.tensor([[5.0]])
y_test = model(x_test)
print("预测 y_pred =", y_test.data)
