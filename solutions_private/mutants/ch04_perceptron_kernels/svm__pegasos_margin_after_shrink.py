"""Pegasos testing the margin on the shrunk (1 - η_t λ) w instead of the current w_{t-1}."""


def pegasos(X, y, lam, idx):
    out = np.zeros((len(idx) + 1, X.shape[1]))
    w = np.zeros(X.shape[1])
    for t, i in enumerate(idx, start=1):
        w = (1.0 - 1.0 / t) * w
        if y[i] * (w @ X[i]) < 1.0:
            w = w + y[i] * X[i] / (lam * t)
        out[t] = w
    return out
