"""All α_k precomputed with np.arange; the trajectory array transposed (steps × chains) and filled row by row."""


def sgd_decaying(theta0, lam, a, k0, xi):
    R, K = xi.shape
    alphas = a / (np.arange(K, dtype=np.float64) + k0)
    out = np.empty((K + 1, R))
    out[0] = theta0
    for k, alpha in enumerate(alphas):
        out[k + 1] = out[k] - alpha * lam * out[k] - alpha * xi[:, k]
    return out.T.copy()
