"""The ½ dropped from Λ but kept out of the gradient (factor 2 inconsistency)."""


def mse_objective_and_grad(theta, X, y):
    M = X.shape[0]
    r = y - X @ theta[:-1] - theta[-1]
    return float(r @ r) / M, np.concatenate([-(X.T @ r) / M, [-r.sum() / M]])
