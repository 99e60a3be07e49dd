"""mark_non_differentiable: a max that returns the value (differentiable) and its index (not)."""
import torch


class MaxWithIndex(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        index = torch.argmax(x)
        value = x[index]
        ctx.mark_non_differentiable(index)
        ctx.save_for_backward(index)
        ctx.input_shape = x.shape
        return value, index

    @staticmethod
    def backward(ctx, grad_value, grad_index):
        (index,) = ctx.saved_tensors
        grad_x = torch.zeros(ctx.input_shape)
        grad_x[index] = grad_value  # only the winning entry receives a gradient
        return grad_x


x = torch.tensor([3.0, 1.0, 4.0, 0.5], requires_grad=True)
value, index = MaxWithIndex.apply(x)
print("value:", value)
print("index:", index)
print("value.requires_grad =", value.requires_grad)
print("index.requires_grad =", index.requires_grad)
print("index.grad_fn =", index.grad_fn)

(value * 10).backward()
print("x.grad =", x.grad)

ref = x.detach().clone().requires_grad_()
(ref.max() * 10).backward()
print("torch.max agrees:", torch.equal(ref.grad, x.grad))

# torch.sort also returns indices that are not differentiable
values, indices = torch.sort(x)
print(values, indices)
print(values.requires_grad, indices.requires_grad)
