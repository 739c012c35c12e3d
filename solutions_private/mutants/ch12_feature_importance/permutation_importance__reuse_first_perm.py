"""Reuses the first feature's permutations perms[0, r] for every feature."""


def permutation_importance(predict, X, y, perms):
    d, R, _ = perms.shape
    base = _objective(predict, X, y)
    out = np.zeros(d)
    for i in range(d):
        for r in range(R):
            Xp = X.copy()
            Xp[:, i] = X[perms[0, r], i]
            out[i] += _objective(predict, Xp, y) - base
    return out / R
