"""The noise added outside the step: θ - α_k λθ - ξ_k (the learning rate not applied to it)."""


def sgd_decaying(theta0, lam, a, k0, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    theta = np.full(R, float(theta0))
    out[:, 0] = theta
    for k in range(K):
        theta = theta - a / (k + k0) * lam * theta - xi[:, k]
        out[:, k + 1] = theta
    return out
