"""Noise scaled by α_k² instead of α_k (as if the variance were the noise): θ - α_k λθ - α_k² ξ_k."""


def sgd_decaying(theta0, lam, a, k0, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    theta = np.full(R, float(theta0))
    out[:, 0] = theta
    for k in range(K):
        alpha = a / (k + k0)
        theta = theta - alpha * lam * theta - alpha**2 * xi[:, k]
        out[:, k + 1] = theta
    return out
