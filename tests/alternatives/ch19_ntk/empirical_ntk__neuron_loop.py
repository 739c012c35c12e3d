"""A Python loop over the neurons, accumulating each neuron's rank-one contribution (instead of matrix products)."""


def empirical_ntk(c, W, X1, X2, act="tanh"):
    N = c.shape[0]
    out = np.zeros((X1.shape[0], X2.shape[0]))
    G = X1 @ X2.T
    for i in range(N):
        a1, b1 = activate(X1 @ W[i], act)
        a2, b2 = activate(X2 @ W[i], act)
        out += np.outer(a1, a2) + c[i] ** 2 * np.outer(b1, b2) * G
    return out / N
