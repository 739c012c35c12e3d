"""Written as θ - η ∇_θ ½(y - g)² with η = α N^{2γ-2} and the gradient blocks -e ∂g/∂θ."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    scale = N ** (-gamma)
    s, ds = activate(W @ x, act)
    e = y - scale * float(np.dot(c, s))
    grad_c = -e * scale * s
    grad_W = -e * scale * (c * ds)[:, None] * x[None, :]
    eta = alpha * N ** (2 * gamma - 2)
    return c - eta * grad_c, W - eta * grad_W
