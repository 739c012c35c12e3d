"""y reshaped to a column (M, 1): y * z broadcasts to (M, M) and Λ averages the wrong matrix."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M = X.shape[0]
    y = y.reshape(-1, 1)
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * (w @ w))
    r = sigmoid(z) - y[:, 0]
    return loss, np.concatenate([X.T @ r / M + lam * w, [r.mean()]])
