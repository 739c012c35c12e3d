"""GD written with H = XᵀX/M and g = Xᵀy/M precomputed, Λ from the expanded quadratic; the rate from the closed-form regression slope."""


def gd_ls_trajectory(X, y, theta0, lr, n_steps):
    M = X.shape[0]
    H, g, c = X.T @ X / M, X.T @ y / M, y @ y / (2 * M)
    theta = np.asarray(theta0, dtype=np.float64).copy()
    thetas, fvals = [theta], [0.5 * theta @ H @ theta - g @ theta + c]
    for _ in range(n_steps):
        theta = theta - lr * (H @ theta - g)
        thetas.append(theta)
        fvals.append(0.5 * theta @ H @ theta - g @ theta + c)
    return np.array(thetas), np.array(fvals)


def empirical_rate(fvals, fstar, start, stop):
    k = np.arange(start, stop, dtype=np.float64)
    z = np.log(np.asarray(fvals[start:stop]) - fstar)
    slope = np.sum((k - k.mean()) * (z - z.mean())) / np.sum((k - k.mean()) ** 2)
    return float(np.exp(slope))
