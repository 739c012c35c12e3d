"""Noise added to the iterate after the gradient step instead of inside the gradient (no α on ξ)."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    out[:, 0] = theta0
    for k in range(K):
        out[:, k + 1] = out[:, k] - alpha * lam * out[:, k] + xi[:, k]
    return out
