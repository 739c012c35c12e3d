"""‖θ_0‖² instead of the distance ‖θ_0 - θ*‖² to the minimiser."""


def check_sublinear_bound(fvals, fstar, theta0, theta_star, lr):
    k = np.arange(1, len(fvals), dtype=np.float64)
    return (np.asarray(fvals)[1:] - fstar) / (np.sum(theta0**2) / (2 * lr * k))
