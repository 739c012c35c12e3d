"""σ(z) = (1 + tanh(z/2))/2 (exact identity, overflow-free) for the gradient; Λ through np.logaddexp; augmented design [X 1]."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M, d = X.shape
    Xt = np.hstack([X, np.ones((M, 1))])
    z = Xt @ theta
    pen = np.concatenate([theta[:d], [0.0]])
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z) / M + 0.5 * lam * pen @ pen)
    s = 0.5 * (1.0 + np.tanh(0.5 * z))
    return loss, Xt.T @ (s - y) / M + lam * pen
