"""The variance as E[g²] - (E g)² of the outputs computed with einsum."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N, d = W.shape
    s, _ = activate(np.einsum("rnd,d->rn", W, x), act)
    g = np.einsum("rn,rn->r", c, s) / N**gamma
    m = g.mean()
    return float(max(np.mean((g - m) ** 2), 0.0))
