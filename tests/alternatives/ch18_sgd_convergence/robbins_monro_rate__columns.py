"""Columns collected in a list and stacked; the step written (1 - α_k λ) θ - α_k ξ_k (another rounding order)."""


def sgd_decaying(theta0, lam, a, k0, xi):
    R, K = xi.shape
    cols = [np.full(R, theta0, dtype=np.float64)]
    for k in range(K):
        alpha = a / (k0 + k)
        cols.append((1.0 - alpha * lam) * cols[-1] - alpha * xi[:, k])
    return np.column_stack(cols)
