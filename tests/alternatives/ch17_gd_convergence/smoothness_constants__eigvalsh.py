"""Eigenvalues of the d×d matrix XᵀX/M with eigvalsh (μ clipped at 0); the logistic L from eigvalsh too."""


def ls_constants(X):
    ev = np.linalg.eigvalsh(X.T @ X / X.shape[0])
    return float(ev[-1]), float(max(ev[0], 0.0))


def logistic_constants(X, lam):
    return float(np.linalg.eigvalsh(X.T @ X)[-1] / (4 * X.shape[0]) + lam), float(lam)
