"""Returns Λ of the occluded data without subtracting Λ(X)."""


def occlusion_importance(predict, X, y):
    out = np.zeros(X.shape[1])
    for i in range(X.shape[1]):
        Xo = X.copy()
        Xo[:, i] = X[:, i].mean()
        out[i] = _objective(predict, Xo, y)
    return out
