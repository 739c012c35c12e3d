"""Λ from -y log σ(z) - (1-y) log(1 - σ(z)) with a stable σ: σ(800) rounds to 1, so log(1 - σ) = log 0 = -inf and Λ = inf."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M = X.shape[0]
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    p = sigmoid(z)
    loss = float(np.mean(-y * np.log(p) - (1 - y) * np.log(1.0 - p)) + 0.5 * lam * (w @ w))
    r = p - y
    return loss, np.concatenate([X.T @ r / M + lam * w, [r.mean()]])
