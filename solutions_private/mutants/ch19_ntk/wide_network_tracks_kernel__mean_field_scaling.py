"""Mean-field 1/N scaling instead of the Xavier 1/√N (in the output and in both gradients)."""


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    N, M = c0.shape[0], X.shape[0]
    c, W = c0.copy(), W0.copy()
    for _ in range(n_steps):
        s, ds = activate(X @ W.T, act)
        r = y - (s @ c) / N
        grad_c = -(s.T @ r) / (M * N)
        grad_W = -((ds * r[:, None]).T @ X) * c[:, None] / (M * N)
        c, W = c - lr * grad_c, W - lr * grad_W
    return c, W, two_layer(c, W, X_test, act, 1.0)
