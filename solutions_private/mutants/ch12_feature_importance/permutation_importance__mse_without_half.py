"""Λ taken as the mean squared error without the ½, doubling every importance."""


def permutation_importance(predict, X, y, perms):
    d, R, M = perms.shape

    def mse(Z):
        return float(np.mean((y - predict(Z)) ** 2))

    base = mse(X)
    out = np.zeros(d)
    for i in range(d):
        for r in range(R):
            Xp = X.copy()
            Xp[:, i] = X[perms[i, r], i]
            out[i] += mse(Xp) - base
    return out / R
