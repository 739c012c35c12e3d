"""One call of u on all points at once (interior, both boundaries, initial) split afterwards; the backward pass by J.backward() into .grad."""


def dgm_loss(u, t_int, x_int, t_bdy, x0):
    import torch

    n, nb, n0 = t_int.shape[0], t_bdy.shape[0], x0.shape[0]
    t = torch.cat([t_int, t_bdy, t_bdy, torch.zeros_like(x0)]).detach().requires_grad_(True)
    x = torch.cat([x_int, torch.zeros_like(t_bdy), math.pi * torch.ones_like(t_bdy), x0]).detach().requires_grad_(True)
    U = u(t, x)
    u_t, u_x = torch.autograd.grad(U, (t, x), grad_outputs=torch.ones_like(U), create_graph=True)
    u_xx = torch.autograd.grad(u_x, x, grad_outputs=torch.ones_like(u_x), create_graph=True)[0]
    res = (u_t - u_xx)[:n]
    b0, bpi, init = U[n : n + nb], U[n + nb : n + 2 * nb], U[n + 2 * nb :]
    return (res**2).sum() / n + (b0**2 + bpi**2).sum() / nb + ((init - torch.sin(x0)) ** 2).sum() / n0


def dgm_objective(theta, t_int, x_int, t_bdy, x0):
    import torch

    params = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in theta.items()}
    to_t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    J = dgm_loss(lambda t, x: heat_trial(params, t, x), to_t(t_int), to_t(x_int), to_t(t_bdy), to_t(x0))
    J.backward()
    return float(J.detach()), {k: p.grad.numpy().copy() for k, p in params.items()}
