"""Pegasos with the kink counted as active: y_i w·x_i ≤ 1 instead of < 1."""


def pegasos(X, y, lam, idx):
    out = np.zeros((len(idx) + 1, X.shape[1]))
    w = np.zeros(X.shape[1])
    for t, i in enumerate(idx, start=1):
        hit = y[i] * (w @ X[i]) <= 1.0
        w = (1.0 - 1.0 / t) * w + (y[i] * X[i] / (lam * t) if hit else 0.0)
        out[t] = w
    return out
