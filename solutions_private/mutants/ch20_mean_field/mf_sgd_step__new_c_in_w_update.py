"""w is updated with the NEW c^i (c first, then w): the update must use the old parameters."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    step = alpha * N ** (gamma - 2.0) * (y - N ** (-gamma) * (c @ s))
    c = c + step * s
    return c, W + np.outer(step * c * ds, x)
