"""A gallery of autograd mistakes, each caught and explained (try / except / else / finally)."""
import torch
import torch.nn.functional as F


def attempt(title, action):
    print(f"== {title}")
    try:
        result = action()
    except (RuntimeError, TypeError, ValueError) as err:
        print(f"{type(err).__name__}: {err}")
    else:
        print("ok:", result)
    finally:
        print("-" * 10)


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
c = torch.tensor([1.0, 2.0, 3.0])

attempt("backward through a constant", lambda: (c * 2).sum().backward())
attempt("numpy() on a tensor that requires grad", lambda: x.numpy())
attempt("numpy() after detach", lambda: x.detach().numpy())
attempt("grad of an unused input", lambda: torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)]))
attempt("allow_unused", lambda: torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)],
                                                    allow_unused=True))
attempt("matmul with mismatched shapes", lambda: torch.ones(2, 3) @ torch.ones(2, 3))
attempt("adding incompatible shapes", lambda: torch.ones(3) + torch.ones(4))
attempt("item() of a vector", lambda: x.item())
attempt("cross entropy with float targets", lambda: F.cross_entropy(torch.randn(2, 3), torch.tensor([0.0, 1.0])))
attempt("view of a non-contiguous tensor", lambda: torch.ones(2, 3).t().view(6))


def strict_square(t):
    if not t.requires_grad:
        raise ValueError("this lesson wants a tensor that requires grad")
    return t ** 2


attempt("our own error", lambda: strict_square(c))
attempt("our own function working", lambda: strict_square(x))
