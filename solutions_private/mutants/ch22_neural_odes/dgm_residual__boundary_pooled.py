"""The two boundary terms pooled into one mean over 2 n_b values (half of mean_k [u(s_k, 0)² + u(s_k, π)²])."""


def dgm_loss(u, t_int, x_int, t_bdy, x0):
    import torch

    t = t_int.detach().clone().requires_grad_(True)
    x = x_int.detach().clone().requires_grad_(True)
    U = u(t, x)
    u_t, u_x = torch.autograd.grad(U.sum(), (t, x), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x.sum(), x, create_graph=True)
    interior = ((u_t - u_xx) ** 2).mean()
    edges = torch.cat([u(t_bdy, torch.zeros_like(t_bdy)), u(t_bdy, torch.full_like(t_bdy, math.pi))])
    initial = ((u(torch.zeros_like(x0), x0) - torch.sin(x0)) ** 2).mean()
    return interior + (edges**2).mean() + initial
