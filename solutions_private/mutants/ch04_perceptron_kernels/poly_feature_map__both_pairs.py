"""Both (i, j) and (j, i) included: d(d-1) cross features instead of d(d-1)/2."""


def poly2_features(X, c):
    n, d = X.shape
    i, j = np.nonzero(~np.eye(d, dtype=bool))
    return np.column_stack([X**2, np.sqrt(2.0) * X[:, i] * X[:, j], np.sqrt(2.0 * c) * X, np.full(n, float(c))])
