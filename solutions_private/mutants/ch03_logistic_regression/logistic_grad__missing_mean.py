"""The 1/M forgotten in the gradient: Xᵀ(σ(z) - y) summed, not averaged."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = float(np.mean(logistic_loss(z, y)) + 0.5 * lam * (w @ w))
    r = sigmoid(z) - y
    return loss, np.concatenate([X.T @ r + lam * w, [r.sum()]])
