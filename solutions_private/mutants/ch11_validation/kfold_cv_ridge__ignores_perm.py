"""Folds cut from 0..M-1 in order, ignoring the shuffle perm."""

_reference_kfold = kfold_cv_ridge


def kfold_cv_ridge(X, y, lams, perm, K):
    return _reference_kfold(X, y, lams, np.arange(X.shape[0]), K)
