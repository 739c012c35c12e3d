"""c is updated first and the w-gradient then uses the NEW c (the blocks must both be taken at θ_k)."""


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    N, M = c0.shape[0], X.shape[0]
    scale = 1.0 / np.sqrt(N)
    c, W = c0.copy(), W0.copy()
    for _ in range(n_steps):
        s, ds = activate(X @ W.T, act)
        r = y - scale * (s @ c)
        c = c + lr * scale * (s.T @ r) / M
        W = W + lr * scale * ((ds * r[:, None]).T @ X) * c[:, None] / M
    return c, W, two_layer(c, W, X_test, act, 0.5)
