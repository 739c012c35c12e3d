"""Shuffles whole rows, X[perm], instead of column i alone."""


def permutation_importance(predict, X, y, perms):
    d, R, _ = perms.shape
    base = _objective(predict, X, y)
    return np.array([np.mean([_objective(predict, X[perms[i, r]], y) - base for r in range(R)]) for i in range(d)])
