"""θ not reset between chains: chain r starts where chain r-1 ended."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    theta = float(theta0)
    for r in range(R):
        out[r, 0] = theta
        for k in range(K):
            theta = theta - alpha * (lam * theta + xi[r, k])
            out[r, k + 1] = theta
    return out
