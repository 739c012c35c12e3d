"""Only the final iterates θ_K returned, shape (R,), instead of the trajectories."""


def sgd_quadratic_noise(theta0, lam, alpha, xi):
    theta = np.full(xi.shape[0], float(theta0))
    for k in range(xi.shape[1]):
        theta = theta - alpha * (lam * theta + xi[:, k])
    return theta
