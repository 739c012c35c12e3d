"""Plain Python loops over chains and steps with scalar floats."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    R, K = xi.shape
    out = np.empty((R, K + 1))
    for r in range(R):
        t = float(theta0)
        out[r, 0] = t
        row = xi[r].tolist()
        for k in range(K):
            t = t - alpha * (lam * t + row[k])
            out[r, k + 1] = t
    return out
