"""Singular values of X/√M (so no division afterwards), padded with zeros when M < d."""


def ls_constants(X):
    M, d = X.shape
    s = np.linalg.svd(X / np.sqrt(M), compute_uv=False)
    s = np.concatenate([s, np.zeros(max(d - M, 0))])
    return float(s.max() ** 2), float(s.min() ** 2)


def logistic_constants(X, lam):
    s = np.linalg.svd(X / np.sqrt(X.shape[0]), compute_uv=False)
    return float(0.25 * s[0] ** 2 + lam), float(lam)
