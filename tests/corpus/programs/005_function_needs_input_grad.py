"""ctx.needs_input_grad: compute only the gradients someone asked for."""
import torch


class WeightedSum(torch.autograd.Function):
    @staticmethod
    def forward(ctx, values, weights):
        ctx.save_for_backward(values, weights)
        return (values * weights).sum()

    @staticmethod
    def backward(ctx, grad_output):
        values, weights = ctx.saved_tensors
        print("  needs_input_grad =", ctx.needs_input_grad)
        grad_values = grad_weights = None
        if ctx.needs_input_grad[0]:
            grad_values = grad_output * weights
        if ctx.needs_input_grad[1]:
            grad_weights = grad_output * values
        return grad_values, grad_weights


v = torch.tensor([1.0, -1.0, 0.5], requires_grad=True)
w = torch.tensor([0.2, 0.4, 0.6])

print("only v requires grad")
WeightedSum.apply(v, w).backward()
print("v.grad =", v.grad, "w.grad =", w.grad)

print("both require grad")
w.requires_grad_()
v.grad = None
WeightedSum.apply(v, w).backward()
print("v.grad =", v.grad)
print("w.grad =", w.grad)

print("only w requires grad")
w.grad = None
s = WeightedSum.apply(v.detach(), w)
s.backward()
print("w.grad =", w.grad)
