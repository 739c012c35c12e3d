"""The factor ¼ of the logistic loss missing: L = λ_max(XᵀX)/M + λ (a valid but loose bound)."""


def logistic_constants(X, lam):
    return float(np.linalg.norm(X, 2) ** 2 / X.shape[0] + lam), float(lam)
