"""The 1/M of the objective forgotten: L = λ_max(XᵀX), μ = λ_min(XᵀX)."""


def ls_constants(X):
    M, d = X.shape
    s = np.linalg.svd(X, compute_uv=False)
    return float(s[0] ** 2), float(s[-1] ** 2 if M >= d else 0.0)
