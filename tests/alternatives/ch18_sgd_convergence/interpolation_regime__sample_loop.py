"""The batch gradient accumulated sample by sample in a Python loop."""


def sgd_least_squares(X, y, theta0, lr, idx_seq):
    K, B = idx_seq.shape
    rows = [np.asarray(theta0, dtype=np.float64).copy()]
    for k in range(K):
        theta = rows[-1]
        g = np.zeros_like(theta)
        for m in idx_seq[k]:
            g += (X[m] @ theta - y[m]) * X[m]
        rows.append(theta - lr * g / B)
    return np.array(rows)
