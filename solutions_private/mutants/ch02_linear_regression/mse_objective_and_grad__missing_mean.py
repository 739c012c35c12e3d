"""The 1/M forgotten in the gradient (a sum instead of a mean)."""


def mse_objective_and_grad(theta, X, y):
    M = X.shape[0]
    r = y - X @ theta[:-1] - theta[-1]
    return float(r @ r) / (2 * M), np.concatenate([-(X.T @ r), [-r.sum()]])
