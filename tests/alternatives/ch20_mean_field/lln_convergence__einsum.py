"""Vectorised over networks with einsum and in-place updates of private copies."""


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    R, N, d = W0.shape
    c, W = c0.astype(np.float64, copy=True), W0.astype(np.float64, copy=True)
    for j in range(int(np.floor(t_final * N + 1e-9))):
        x, y = data_x[idx_seq[j]], data_y[idx_seq[j]]
        s, ds = activate(np.einsum("rnd,d->rn", W, x), act)
        e = y - np.einsum("rn,rn->r", c, s) / N**gamma
        f = alpha * N ** (gamma - 2) * e[:, None]
        W += np.einsum("rn,d->rnd", f * c * ds, x)
        c += f * s
    return c, W
