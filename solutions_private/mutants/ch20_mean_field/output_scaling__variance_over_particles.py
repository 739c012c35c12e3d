"""The variance taken over the particles of each network (axis 1) and averaged, not over the R networks."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N, d = W.shape
    s, _ = activate(W @ x, act)
    return float(np.mean(np.var(c * s * N ** (-gamma), axis=1)))
