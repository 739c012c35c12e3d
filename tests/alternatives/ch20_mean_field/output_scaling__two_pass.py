"""Outputs network by network, then the variance by hand in two passes (mean, then mean square deviation)."""


def init_output_variance(c, W, x, gamma, act="tanh"):
    R, N = c.shape
    g = np.array([two_layer(c[r], W[r], x[None, :], act, gamma)[0] for r in range(R)])
    mean = g.sum() / R
    return float(((g - mean) ** 2).sum() / R)
