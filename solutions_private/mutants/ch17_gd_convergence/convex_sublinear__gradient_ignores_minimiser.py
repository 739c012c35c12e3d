"""The gradient written h ⊙ θ instead of h ⊙ (θ - θ*): GD runs towards 0, not θ*."""


def gd_separable_quadratic(h, theta_star, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=np.float64)
    fvals = []
    for _ in range(n_steps + 1):
        e = theta - theta_star
        fvals.append(0.5 * np.sum(h * e * e))
        theta = theta - lr * h * theta
    return np.array(fvals)
