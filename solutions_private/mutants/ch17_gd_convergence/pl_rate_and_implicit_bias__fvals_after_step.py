"""fvals recorded after the step: fvals[k] = Λ(θ_{k+1}) instead of Λ(θ_k)."""


def gd_ls_trajectory(X, y, theta0, lr, n_steps):
    M = X.shape[0]
    theta = np.array(theta0, dtype=np.float64)
    thetas, fvals = [theta], []
    for _ in range(n_steps + 1):
        theta = theta - lr * X.T @ (X @ theta - y) / M
        fvals.append(np.sum((X @ theta - y) ** 2) / (2 * M))
        if len(thetas) <= n_steps:
            thetas.append(theta)
    return np.array(thetas), np.array(fvals)
