"""K + Mλ added to EVERY entry (a scalar, not Mλ I on the diagonal)."""


def kernel_ridge_fit(K, y, lam):
    M = K.shape[0]
    return np.linalg.solve(K + M * lam, y)
