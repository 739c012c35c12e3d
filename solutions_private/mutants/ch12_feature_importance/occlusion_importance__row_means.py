"""Axis mix-up: column i replaced by the row means X.mean(axis=1)."""


def occlusion_importance(predict, X, y):
    base = _objective(predict, X, y)
    out = np.zeros(X.shape[1])
    for i in range(X.shape[1]):
        Xo = X.copy()
        Xo[:, i] = X.mean(axis=1)
        out[i] = _objective(predict, Xo, y) - base
    return out
