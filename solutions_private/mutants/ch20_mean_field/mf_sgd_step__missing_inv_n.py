"""The per-particle step is α, not α/N: each particle moves by O(1) per sample."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    step = alpha * N ** (gamma - 1.0) * (y - N ** (-gamma) * (c @ s))
    return c + step * s, W + np.outer(step * c * ds, x)
