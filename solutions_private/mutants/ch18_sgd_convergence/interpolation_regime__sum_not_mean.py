"""The minibatch gradient summed instead of averaged: the effective step is B·η."""


def sgd_least_squares(X, y, theta0, lr, idx_seq):
    theta = np.array(theta0, dtype=np.float64)
    out = [theta]
    for idx in idx_seq:
        theta = theta - lr * X[idx].T @ (X[idx] @ theta - y[idx])
        out.append(theta)
    return np.array(out)
