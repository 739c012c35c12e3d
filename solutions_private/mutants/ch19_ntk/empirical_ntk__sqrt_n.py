"""1/√N instead of 1/N: the kernel multiplies two gradients, each carrying 1/√N."""


def empirical_ntk(c, W, X1, X2, act="tanh"):
    N = c.shape[0]
    s1, d1 = activate(X1 @ W.T, act)
    s2, d2 = activate(X2 @ W.T, act)
    return (s1 @ s2.T + ((d1 * c**2) @ d2.T) * (X1 @ X2.T)) / np.sqrt(N)
