"""Off by one: θ_0 is not stored, so the trajectory has n_steps rows."""


def gd_least_squares(X, y, theta0, lr, n_steps):
    out = []
    theta = theta0.copy()
    for _ in range(n_steps):
        _, grad = mse_objective_and_grad(theta, X, y)
        theta = theta - lr * grad
        out.append(theta)
    return np.array(out)
