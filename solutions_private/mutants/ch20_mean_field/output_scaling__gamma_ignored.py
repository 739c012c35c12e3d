"""Always the mean-field 1/N, whatever γ."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N, d = W.shape
    s, _ = activate(W @ x, act)
    return float(np.var(np.mean(c * s, axis=1)))
