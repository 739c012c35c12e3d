"""N^{-2γ} applied to the variance of outputs that already carry N^{-γ} (the scaling twice)."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N, d = W.shape
    s, _ = activate(W @ x, act)
    return float(np.var(np.sum(c * s, axis=1) * N ** (-gamma)) * N ** (-2 * gamma))
