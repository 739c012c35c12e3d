"""The x·x' factor of the σ'σ' term is missing (∂g/∂w^i = c^i σ'(w^i·x) x/√N is a vector)."""


def empirical_ntk(c, W, X1, X2, act="tanh"):
    N = c.shape[0]
    s1, d1 = activate(X1 @ W.T, act)
    s2, d2 = activate(X2 @ W.T, act)
    return (s1 @ s2.T + (d1 * c**2) @ d2.T) / N
