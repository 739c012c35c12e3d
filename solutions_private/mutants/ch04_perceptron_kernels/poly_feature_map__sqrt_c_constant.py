"""Constant feature √c instead of c, so the kernel gets c instead of c²."""


def poly2_features(X, c):
    n, d = X.shape
    i, j = np.triu_indices(d, k=1)
    return np.column_stack([X**2, np.sqrt(2.0) * X[:, i] * X[:, j], np.sqrt(2.0 * c) * X, np.full(n, np.sqrt(c))])
