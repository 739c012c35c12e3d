"""Occludes with 0 instead of the column mean."""


def occlusion_importance(predict, X, y):
    base = _objective(predict, X, y)
    out = np.zeros(X.shape[1])
    for i in range(X.shape[1]):
        Xo = X.copy()
        Xo[:, i] = 0.0
        out[i] = _objective(predict, Xo, y) - base
    return out
