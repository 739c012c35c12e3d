"""The two boundary terms pooled into one mean over 2 n_b values (half of mean_k [u(s_k, 0)² + u(s_k, π)²])."""


def _boundary(u, t_bdy):
    import torch

    edges = torch.cat([u(t_bdy, torch.zeros_like(t_bdy)), u(t_bdy, torch.full_like(t_bdy, math.pi))])
    return (edges**2).mean()
