"""Rows alias one buffer: theta -= ... in place, so every row is the last iterate."""


def gd_least_squares(X, y, theta0, lr, n_steps):
    theta = theta0.copy()
    rows = [theta]
    for _ in range(n_steps):
        _, grad = mse_objective_and_grad(theta, X, y)
        theta -= lr * grad
        rows.append(theta)
    return np.array(rows)
