"""σ(z) = 1/(1 + np.exp(-z)) in the gradient: np.exp(800) overflows (an inf, and an overflow warning) for z = -800."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M = X.shape[0]
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * (w @ w))
    r = 1.0 / (1.0 + np.exp(-z)) - y
    return loss, np.concatenate([X.T @ r / M + lam * w, [r.mean()]])
