"""Accumulates the full-batch gradient one training sample at a time (a loop over m inside each step)."""


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    N, M = c0.shape[0], X.shape[0]
    c, W = c0.copy(), W0.copy()
    for _ in range(n_steps):
        gc, gW = np.zeros_like(c), np.zeros_like(W)
        for m in range(M):
            s, ds = activate(W @ X[m], act)
            r = y[m] - (c @ s) / np.sqrt(N)
            gc -= r * s / (M * np.sqrt(N))
            gW -= np.outer(r * c * ds, X[m]) / (M * np.sqrt(N))
        c, W = c - lr * gc, W - lr * gW
    return c, W, np.array([activate(W @ x, act)[0] @ c for x in X_test]).reshape(-1) / np.sqrt(N)
