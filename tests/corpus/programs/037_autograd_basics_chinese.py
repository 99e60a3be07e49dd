# 自动微分：从 y = 2 * x·x 开始
import torch

x = torch.arange(4.0)
print("x =", x)
x.requires_grad_(True)  # 等价于 x = torch.arange(4.0, requires_grad=True)
print("梯度默认值:", x.grad)

y = 2 * torch.dot(x, x)
print("y =", y)
y.backward()
print("x 的梯度:", x.grad)
print("梯度是否等于 4x:", x.grad == 4 * x)

# 默认情况下，PyTorch 会累积梯度，需要先清零
x.grad.zero_()
y = x.sum()
y.backward()
print("sum 的梯度:", x.grad)

# 非标量变量的反向传播
x.grad.zero_()
y = x * x
y.sum().backward()
print("x*x 的梯度:", x.grad)

# 分离计算
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print("把 u 当作常数:", x.grad == u)


# Python 控制流的梯度计算
def 控制流函数(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


torch.manual_seed(0)
a = torch.randn(size=(), requires_grad=True)
d = 控制流函数(a)
d.backward()
print("a.grad == d / a:", a.grad == d / a)
print(f"梯度 = {a.grad:.1f}")
