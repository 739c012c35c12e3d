"""θ read as (b, w) with b FIRST, although the docstring puts b last (the gradient then comes out in that order too)."""


def mse_objective_and_grad(theta, X, y):
    M = X.shape[0]
    b, w = theta[0], theta[1:]
    r = y - X @ w - b
    return float(r @ r) / (2 * M), np.concatenate([[-r.sum() / M], -(X.T @ r) / M])
