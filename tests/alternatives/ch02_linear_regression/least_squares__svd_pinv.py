"""Minimum-norm solution from a thin SVD of the augmented design, small singular values cut at max(M, n)·ε·s_max (no lstsq)."""


def least_squares(X, y, fit_intercept=True):
    A = np.column_stack([X, np.ones(X.shape[0])]) if fit_intercept else np.asarray(X, dtype=float)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    cut = max(A.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
    inv = np.zeros_like(s)
    inv[s > cut] = 1.0 / s[s > cut]
    theta = Vt.T @ (inv * (U.T @ y))
    if not fit_intercept:
        return theta, 0.0
    return theta[:-1], float(theta[-1])
