"""Iterates θ itself (not θ - θ*), the gradient h ⊙ (θ - θ*) recomputed each step."""


def gd_separable_quadratic(h, theta_star, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=np.float64)
    fvals = np.zeros(n_steps + 1)
    for k in range(n_steps + 1):
        diff = theta - theta_star
        fvals[k] = 0.5 * np.sum(h * diff**2)
        theta = theta - lr * (h * diff)
    return fvals


def check_sublinear_bound(fvals, fstar, theta0, theta_star, lr):
    k = np.arange(1, len(fvals))
    return 2.0 * lr * k * (np.asarray(fvals[1:]) - fstar) / np.dot(theta0 - theta_star, theta0 - theta_star)
