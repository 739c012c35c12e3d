"""A habitual weight decay (1e-3 θ) added to the gradient: the null-space component drifts to 0 and the limit is not a minimiser."""


def gd_ls_trajectory(X, y, theta0, lr, n_steps):
    M = X.shape[0]
    theta = np.array(theta0, dtype=np.float64)
    thetas, fvals = [theta], [np.sum((X @ theta - y) ** 2) / (2 * M)]
    for _ in range(n_steps):
        theta = theta - lr * (X.T @ (X @ theta - y) / M + 1e-3 * theta)
        thetas.append(theta)
        fvals.append(np.sum((X @ theta - y) ** 2) / (2 * M))
    return np.array(thetas), np.array(fvals)
