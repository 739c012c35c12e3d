"""θ updated in place after being stored: every row of the trajectory is the same (final) array."""


def sgd_least_squares(X, y, theta0, lr, idx_seq):
    K, B = idx_seq.shape
    theta = np.array(theta0, dtype=np.float64)
    rows = [theta]
    for k in range(K):
        idx = idx_seq[k]
        theta -= lr * X[idx].T @ (X[idx] @ theta - y[idx]) / B
        rows.append(theta)
    return np.array(rows)
