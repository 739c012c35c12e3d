"""1/√N (Xavier) in place of the mean-field 1/N: g = (1/√N) Σ c σ and steps α/√N."""


def mf_sgd_step(c, W, x, y, alpha, act="tanh", gamma=1.0):
    N = c.shape[0]
    s, ds = activate(W @ x, act)
    step = alpha / np.sqrt(N) * (y - (c @ s) / np.sqrt(N))
    return c + step * s, W + np.outer(step * c * ds, x)
