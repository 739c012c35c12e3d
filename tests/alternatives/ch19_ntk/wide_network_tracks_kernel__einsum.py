"""Gradients written with einsum and the residual normalised once (another order of floating-point operations)."""


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    N, M = c0.shape[0], X.shape[0]
    c, W = np.array(c0, dtype=np.float64), np.array(W0, dtype=np.float64)
    for _ in range(n_steps):
        s, ds = activate(np.einsum("md,nd->mn", X, W), act)
        u = (y - np.einsum("mn,n->m", s, c) / np.sqrt(N)) / (M * np.sqrt(N))  # r / (M √N)
        gc = np.einsum("mn,m->n", s, u)
        gW = np.einsum("mn,m,n,md->nd", ds, u, c, X)
        c, W = c + lr * gc, W + lr * gW
    s, _ = activate(np.einsum("md,nd->mn", X_test, W), act)
    return c, W, s @ c / np.sqrt(N)
