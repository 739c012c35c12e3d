"""The per-particle step is α e σ (learning rate α N, the 1/N of the step forgotten): each particle jumps by O(1) per sample."""

_reference_train_mf = train_mf


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    N = c0.shape[1]
    R, k = c0.shape[0], int(np.floor(t_final * N + 1e-9))
    c, W = c0.copy(), W0.copy()
    for j in range(k):
        m = int(idx_seq[j])
        x = data_x[m]
        s, ds = activate(W @ x, act)
        step = alpha * N ** (gamma - 1.0) * (data_y[m] - N ** (-gamma) * np.sum(c * s, axis=1))[:, None]
        dw = step * c * ds
        c, W = c + step * s, W + dw[:, :, None] * x
    return c, W
