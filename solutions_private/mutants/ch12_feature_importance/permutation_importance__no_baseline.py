"""Returns the mean shuffled objective without subtracting Λ(X)."""


def permutation_importance(predict, X, y, perms):
    d, R, _ = perms.shape
    out = np.zeros(d)
    for i in range(d):
        for r in range(R):
            Xp = X.copy()
            Xp[:, i] = X[perms[i, r], i]
            out[i] += _objective(predict, Xp, y)
    return out / R
