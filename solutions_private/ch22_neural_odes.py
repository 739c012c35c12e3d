"""Reference solutions for chapter 22 (neural differential equations)."""

import math

import numpy as np

# -- ch22.ode_solvers -------------------------------------------------------------


def _solve(increment, f, x0, t0, T, n):
    """x_{k+1} = x_k + increment(f, t_k, x_k, h) for k < n; the whole trajectory."""
    h = (T - t0) / n
    x = np.array(x0, dtype=np.float64)
    out = np.empty((n + 1,) + x.shape)
    out[0] = x
    for k in range(n):
        x = x + increment(f, t0 + k * h, x, h)
        out[k + 1] = x
    return out


def _euler_increment(f, t, x, h):
    return h * np.asarray(f(t, x), dtype=np.float64)


def _rk4_increment(f, t, x, h):
    k1 = np.asarray(f(t, x), dtype=np.float64)
    k2 = np.asarray(f(t + h / 2, x + (h / 2) * k1), dtype=np.float64)
    k3 = np.asarray(f(t + h / 2, x + (h / 2) * k2), dtype=np.float64)
    k4 = np.asarray(f(t + h, x + h * k3), dtype=np.float64)
    return (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)


def euler(f, x0, t0, T, n):
    return _solve(_euler_increment, f, x0, t0, T, n)


def rk4(f, x0, t0, T, n):
    return _solve(_rk4_increment, f, x0, t0, T, n)


def empirical_order(errors, hs):
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


# -- ch22.resnet_euler -------------------------------------------------------------


def resnet_forward(x0, thetas, h):
    out = [np.array(x0, dtype=np.float64)]
    for W, b in thetas:
        X = out[-1]
        out.append(X + h * np.tanh(X @ W.T + b))
    return np.stack(out)


# -- ch22.adjoint_gradient -------------------------------------------------------------


def _rk4_step(rhs, state, h):
    k1 = rhs(state)
    k2 = rhs(tuple(s + (h / 2) * k for s, k in zip(state, k1)))
    k3 = rhs(tuple(s + (h / 2) * k for s, k in zip(state, k2)))
    k4 = rhs(tuple(s + h * k for s, k in zip(state, k3)))
    return tuple(s + (h / 6) * (a + 2 * b2 + 2 * c + d) for s, a, b2, c, d in zip(state, k1, k2, k3, k4))


def _flow(W, b, X0, T, n):
    """x(T) for ẋ = tanh(W x + b) by RK4 (rows are trajectories)."""
    state = (np.array(X0, dtype=np.float64),)
    for _ in range(n):
        state = _rk4_step(lambda s: (np.tanh(s[0] @ W.T + b),), state, T / n)
    return state[0]


def _adjoint_rhs(W, b):
    """The augmented system: x' = f(x), a' = -(∂f/∂x)ᵀ a, g_W' = -Σ_j (s ⊙ a_j) x_jᵀ, g_b' = -Σ_j s ⊙ a_j,
    with s = 1 - tanh²(W x + b)."""

    def rhs(state):
        X, Adj = state[0], state[1]
        F = np.tanh(X @ W.T + b)
        SA = (1.0 - F**2) * Adj
        return (F, -(SA @ W), -(SA.T @ X), -SA.sum(axis=0))

    return rhs


def neural_ode_adjoint_grad(W, b, X0, Y, T, n):
    XT = _flow(W, b, X0, T, n)
    L = 0.5 * float(np.sum((XT - Y) ** 2)) / X0.shape[0]
    state = (XT, (XT - Y) / X0.shape[0], np.zeros_like(W), np.zeros_like(b))
    for _ in range(n):  # from t = T back to t = 0
        state = _rk4_step(_adjoint_rhs(W, b), state, -T / n)
    return L, state[2], state[3]


# -- ch22.liouville -------------------------------------------------------------


def _variational_rhs(field):
    """(x, J, ℓ)' = (f(x), ∂f/∂x J, tr ∂f/∂x): one field call per evaluation."""

    def rhs(state):
        F, D = (np.asarray(v, dtype=np.float64) for v in field(state[0]))
        return (F, D @ state[1], np.trace(D, axis1=1, axis2=2))

    return rhs


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape
    state = (np.array(x0, dtype=np.float64), np.tile(np.eye(d), (m, 1, 1)), np.zeros(m))
    for _ in range(n):
        state = _rk4_step(_variational_rhs(field), state, T / n)
    return state[1], state[2]


# -- ch22.dgm_residual -------------------------------------------------------------


def _reduce(v):
    return v.mean()


def _derivatives(u, t_int, x_int):
    """u_t and u_xx at the interior points, kept in the graph (create_graph=True twice)."""
    import torch

    t = t_int.detach().clone().requires_grad_(True)
    x = x_int.detach().clone().requires_grad_(True)
    u_t, u_x = torch.autograd.grad(u(t, x).sum(), (t, x), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x.sum(), x, create_graph=True)
    return u_t, u_xx


def _residual(u_t, u_xx):
    return u_t - u_xx


def _boundary(u, t_bdy):
    import torch

    return _reduce(u(t_bdy, torch.zeros_like(t_bdy)) ** 2 + u(t_bdy, torch.full_like(t_bdy, math.pi)) ** 2)


def dgm_loss(u, t_int, x_int, t_bdy, x0):
    import torch

    interior = _reduce(_residual(*_derivatives(u, t_int, x_int)) ** 2)
    initial = _reduce((u(torch.zeros_like(x0), x0) - torch.sin(x0)) ** 2)
    return interior + _boundary(u, t_bdy) + initial


def dgm_objective(theta, t_int, x_int, t_bdy, x0):
    import torch

    params = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in theta.items()}
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))  # noqa: E731
    J = dgm_loss(lambda t, x: heat_trial(params, t, x), as_t(t_int), as_t(x_int), as_t(t_bdy), as_t(x0))
    grads = torch.autograd.grad(J, list(params.values()))
    return float(J.detach()), {k: g.detach().numpy().copy() for k, g in zip(params, grads)}
