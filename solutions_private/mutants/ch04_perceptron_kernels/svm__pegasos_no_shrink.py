"""Pegasos without the penalty's gradient: w ← w + η_t y_i x_i on a hinge step, never the shrink by (1 - η_t λ)."""


def pegasos(X, y, lam, idx):
    out = np.zeros((len(idx) + 1, X.shape[1]))
    w = np.zeros(X.shape[1])
    for t, i in enumerate(idx, start=1):
        if y[i] * (w @ X[i]) < 1.0:
            w = w + y[i] * X[i] / (lam * t)
        out[t] = w
    return out
