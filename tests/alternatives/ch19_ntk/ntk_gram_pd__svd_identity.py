"""The identity case from the singular values of X (2 σ_min² when n ≤ d, exactly 0 otherwise); ReLU through the kernel's eigenvalues."""


def min_eig_limit_kernel(X, act):
    n, d = X.shape
    if act == "identity":
        if n > d:
            return 0.0
        return float(2.0 * np.linalg.svd(X, compute_uv=False)[-1] ** 2)
    return float(np.linalg.eigvalsh(limit_ntk_relu(X, X)).min())
