# 线性回归的从零开始实现（小批量随机梯度下降）
import random

import torch

random.seed(7)
torch.manual_seed(7)

真实权重 = torch.tensor([1.5, -2.0, 0.7])
真实偏置 = 0.3


def 生成数据(w, b, 样本数):
    """生成 y = Xw + b + 噪声"""
    X = torch.normal(mean=0.0, std=1.0, size=(样本数, len(w)))
    y = X @ w + b
    y += torch.normal(0.0, 0.01, size=y.shape)
    return X, y.reshape(-1, 1)


def 读取数据(批量大小, 特征, 标签):
    索引 = list(range(len(特征)))
    random.shuffle(索引)  # 打乱样本顺序
    for i in range(0, len(索引), 批量大小):
        批量索引 = torch.tensor(索引[i:min(i + 批量大小, len(索引))])
        yield 特征[批量索引], 标签[批量索引]


@torch.no_grad()
def 更新参数(参数列表, 学习率, 批量大小):
    for 参数 in 参数列表:
        参数 -= 学习率 * 参数.grad / 批量大小
        参数.grad.zero_()


def 平方损失(预测, 真实):
    return (预测 - 真实) ** 2 / 2


特征, 标签 = 生成数据(真实权重, 真实偏置, 120)
print("特征的形状:", 特征.shape, "标签的形状:", 标签.shape)

w = torch.zeros(3, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

for 轮次 in range(4):
    for X, y in 读取数据(12, 特征, 标签):
        损失 = 平方损失(X @ w + b, y)
        损失.sum().backward()
        更新参数([w, b], 0.05, 12)
    with torch.no_grad():
        总损失 = 平方损失(特征 @ w + b, 标签).mean()
    print(f"第 {轮次 + 1} 轮, 损失 {总损失.item():.6f}")

print("w 的估计误差:", 真实权重 - w.reshape(真实权重.shape))
print("b 的估计误差:", 真实偏置 - b)
print("参数仍然需要梯度:", w.requires_grad, b.requires_grad)
