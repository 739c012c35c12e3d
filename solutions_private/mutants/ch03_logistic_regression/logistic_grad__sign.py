"""Sign error: the residual y - σ(z) instead of σ(z) - y in the gradient."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M = X.shape[0]
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = float(np.mean(logistic_loss(z, y)) + 0.5 * lam * (w @ w))
    r = y - sigmoid(z)
    return loss, np.concatenate([X.T @ r / M + lam * w, [r.mean()]])
