"""Eigenvalues of the M×M Gram matrix XXᵀ/M instead of XᵀX/M: μ = 0 whenever M > d."""


def ls_constants(X):
    ev = np.linalg.eigvalsh(X @ X.T / X.shape[0])
    return float(ev[-1]), float(max(ev[0], 0.0))
