"""The σ'(w^i·x) factor of the w-update is missing."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    s, _ = activate(W @ x, act)
    step = alpha * N ** (gamma - 2.0) * (y - N ** (-gamma) * (c @ s))
    return c + step * s, W + np.outer(step * c, x)
