"""The update rewritten as θ ← c θ - α ξ_k with c = 1 - αλ, column by column over all chains at once."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    R, K = xi.shape
    c = 1.0 - alpha * lam
    out = np.empty((R, K + 1))
    out[:, 0] = theta0
    for k in range(K):
        out[:, k + 1] = c * out[:, k] - alpha * xi[:, k]
    return out
