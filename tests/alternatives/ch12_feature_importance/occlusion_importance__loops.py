"""A loop over the features, the column mean accumulated by hand, Λ from a Python sum."""


def occlusion_importance(predict, X, y):
    M, d = X.shape

    def loss(A):
        p = predict(A)
        return sum((float(y[m]) - float(p[m])) ** 2 for m in range(M)) / (2.0 * M)

    base = loss(X)
    out = np.empty(d)
    for i in range(d):
        mean = sum(float(X[m, i]) for m in range(M)) / M
        Xo = X.copy()
        Xo[:, i] = mean
        out[i] = loss(Xo) - base
    return out
