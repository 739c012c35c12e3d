"""The intercept left out of the update: only w moves."""


def gd_least_squares(X, y, theta0, lr, n_steps):
    out = [theta0.copy()]
    theta = theta0.copy()
    for _ in range(n_steps):
        _, grad = mse_objective_and_grad(theta, X, y)
        grad[-1] = 0.0
        theta = theta - lr * grad
        out.append(theta)
    return np.array(out)
