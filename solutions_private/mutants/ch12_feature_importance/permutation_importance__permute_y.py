"""Shuffles the targets y instead of the feature column."""


def permutation_importance(predict, X, y, perms):
    d, R, _ = perms.shape
    base = _objective(predict, X, y)
    return np.array([np.mean([_objective(predict, X, y[perms[i, r]]) - base for r in range(R)]) for i in range(d)])
