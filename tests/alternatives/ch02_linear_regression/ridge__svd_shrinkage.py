"""SVD of the centred design: w = V diag(s/(s² + Mλ)) Uᵀ y_c, then b = ȳ - x̄·w."""


def ridge(X, y, lam):
    M = X.shape[0]
    mx = X.sum(axis=0) / M
    my = y.sum() / M
    U, s, Vt = np.linalg.svd(X - mx, full_matrices=False)
    w = Vt.T @ (s / (s * s + M * lam) * (U.T @ (y - my)))
    return w, float(my - mx @ w)
