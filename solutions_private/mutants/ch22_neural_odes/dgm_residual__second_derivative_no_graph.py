"""create_graph=False in the second derivative: u_xx is detached and the graph freed, so the gradient with respect to θ fails."""


def _derivatives(u, t_int, x_int):
    import torch

    t = t_int.detach().clone().requires_grad_(True)
    x = x_int.detach().clone().requires_grad_(True)
    u_t, u_x = torch.autograd.grad(u(t, x).sum(), (t, x), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x.sum(), x)
    return u_t, u_xx
