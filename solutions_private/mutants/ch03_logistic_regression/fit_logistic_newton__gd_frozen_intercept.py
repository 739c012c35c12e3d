"""Gradient descent that never updates the intercept b (only w moves)."""


def fit_logistic_gd(X, y, lam, theta0, lr, n_steps):
    out = [np.array(theta0, dtype=np.float64)]
    theta = out[0].copy()
    for _ in range(n_steps):
        _, g = logistic_objective_grad(theta, X, y, lam)
        g[-1] = 0.0
        theta = theta - lr * g
        out.append(theta)
    return np.array(out)
