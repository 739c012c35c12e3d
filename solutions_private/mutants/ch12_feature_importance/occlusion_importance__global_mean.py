"""Occludes with the mean of the whole matrix X.mean() instead of the column's mean."""


def occlusion_importance(predict, X, y):
    base = _objective(predict, X, y)
    out = np.zeros(X.shape[1])
    for i in range(X.shape[1]):
        Xo = X.copy()
        Xo[:, i] = X.mean()
        out[i] = _objective(predict, Xo, y) - base
    return out
