"""Noise index off by one: step k uses xi[:, k-1] (which wraps to the last column at k = 0)."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    out[:, 0] = theta0
    for k in range(K):
        out[:, k + 1] = out[:, k] - alpha * (lam * out[:, k] + xi[:, k - 1])
    return out
