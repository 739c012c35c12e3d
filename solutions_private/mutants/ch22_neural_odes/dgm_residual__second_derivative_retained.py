"""create_graph=False (with retain_graph=True, as torch's error suggests) in the second derivative: J is right, ∇_θ J misses the u_xx terms."""


def dgm_loss(u, t_int, x_int, t_bdy, x0):
    import torch

    t = t_int.detach().clone().requires_grad_(True)
    x = x_int.detach().clone().requires_grad_(True)
    U = u(t, x)
    u_t, u_x = torch.autograd.grad(U.sum(), (t, x), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x.sum(), x, retain_graph=True)
    interior = ((u_t - u_xx) ** 2).mean()
    boundary = (u(t_bdy, torch.zeros_like(t_bdy)) ** 2 + u(t_bdy, torch.full_like(t_bdy, math.pi)) ** 2).mean()
    initial = ((u(torch.zeros_like(x0), x0) - torch.sin(x0)) ** 2).mean()
    return interior + boundary + initial
