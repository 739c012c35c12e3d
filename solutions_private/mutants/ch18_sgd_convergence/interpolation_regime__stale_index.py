"""The step taken with a stale index: step k uses the batch idx_seq[k-1] (and idx_seq[-1] at k = 0)."""


def sgd_least_squares(X, y, theta0, lr, idx_seq):
    K, B = idx_seq.shape
    theta = np.array(theta0, dtype=np.float64)
    out = np.empty((K + 1, theta.shape[0]))
    out[0] = theta
    for k in range(K):
        idx = idx_seq[k - 1]
        theta = theta - lr * X[idx].T @ (X[idx] @ theta - y[idx]) / B
        out[k + 1] = theta
    return out
