"""Divided twice: by N = Σ n_r and again by the world size."""


def average_gradients(model, n_local):
    total = torch.tensor([float(n_local)], dtype=torch.float64)
    dist.all_reduce(total)
    for p in model.parameters():
        g = p.grad * n_local
        dist.all_reduce(g)
        p.grad.copy_(g / total / dist.get_world_size())
