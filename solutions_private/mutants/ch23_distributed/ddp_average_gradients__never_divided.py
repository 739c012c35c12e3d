"""The weighted sum Σ_r n_r ∇Λ_r all-reduced but never divided by N."""


def average_gradients(model, n_local):
    for p in model.parameters():
        g = p.grad * n_local
        dist.all_reduce(g)
        p.grad.copy_(g)
