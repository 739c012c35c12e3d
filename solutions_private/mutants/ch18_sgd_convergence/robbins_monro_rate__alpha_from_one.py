"""α_k indexed from 1 inconsistently with k_0: α_k = a/(k + 1 + k_0), so the first step uses a/(1 + k_0)."""


def sgd_decaying(theta0, lam, a, k0, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    out[:, 0] = theta0
    for k in range(1, K + 1):
        out[:, k] = out[:, k - 1] - a / (k + k0) * (lam * out[:, k - 1] + xi[:, k - 1])
    return out
