"""The bound without its factor 2: ‖θ_0 - θ*‖²/(ηk), so every ratio is halved."""


def check_sublinear_bound(fvals, fstar, theta0, theta_star, lr):
    k = np.arange(1, len(fvals), dtype=np.float64)
    return (np.asarray(fvals)[1:] - fstar) / (np.sum((theta0 - theta_star) ** 2) / (lr * k))
