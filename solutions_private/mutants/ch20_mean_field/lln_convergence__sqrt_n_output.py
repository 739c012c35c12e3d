"""The output normalised by 1/√N whatever γ (Xavier), with the mean-field steps: no averaging over particles."""


def train_mf(c0, W0, data_x, data_y, idx_seq, alpha, t_final, act="tanh", gamma=1.0):
    R, N, d = W0.shape
    k = int(np.floor(t_final * N + 1e-9))
    lr, scale = alpha / N ** 1.5, N ** (-0.5)
    c, W = c0.copy(), W0.copy()
    for j in range(k):
        m = int(idx_seq[j])
        x = data_x[m]
        s, ds = activate((W.reshape(R * N, d) @ x).reshape(R, N), act)
        step = lr * (data_y[m] - scale * np.einsum("rn,rn->r", c, s))[:, None]
        dw = step * c * ds
        c, W = c + step * s, W + dw[:, :, None] * x
    return c, W
