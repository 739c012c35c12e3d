"""Singular values of X not squared: L = σ_max/M and μ = σ_min/M."""


def ls_constants(X):
    M, d = X.shape
    s = np.linalg.svd(X, compute_uv=False)
    return float(s[0] / M), float(s[-1] / M if M >= d else 0.0)
