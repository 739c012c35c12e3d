"""Derivatives taken point by point with torch.func (vmap of grad of grad) instead of autograd.grad on sums."""


def dgm_loss(u, t_int, x_int, t_bdy, x0):
    import torch
    from torch.func import grad, vmap

    def u_scalar(t, x):
        return u(t.reshape(1, 1), x.reshape(1, 1)).reshape(())

    t, x = t_int[:, 0], x_int[:, 0]
    u_t = vmap(grad(u_scalar, argnums=0))(t, x)
    u_xx = vmap(grad(grad(u_scalar, argnums=1), argnums=1))(t, x)
    interior = torch.mean((u_t - u_xx) ** 2)
    left = u(t_bdy, 0.0 * t_bdy)
    right = u(t_bdy, 0.0 * t_bdy + math.pi)
    initial = u(0.0 * x0, x0) - torch.sin(x0)
    return interior + torch.mean(left**2 + right**2) + torch.mean(initial**2)


def dgm_objective(theta, t_int, x_int, t_bdy, x0):
    import torch

    names = list(theta)
    params = [torch.tensor(np.asarray(theta[k], dtype=np.float64)).requires_grad_() for k in names]
    p = dict(zip(names, params))
    J = dgm_loss(lambda t, x: heat_trial(p, t, x), *(torch.tensor(np.asarray(a, dtype=np.float64)) for a in (t_int, x_int, t_bdy, x0)))
    grads = torch.autograd.grad(J, params)
    return J.item(), {k: g.numpy() for k, g in zip(names, grads)}
