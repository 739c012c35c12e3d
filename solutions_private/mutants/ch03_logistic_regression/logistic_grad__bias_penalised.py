"""The bias regularised too: (λ/2)‖θ‖² in Λ and λθ in the gradient, b included."""


def logistic_objective_grad(theta, X, y, lam=0.0):
    M = X.shape[0]
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = float(np.mean(logistic_loss(z, y)) + 0.5 * lam * (theta @ theta))
    r = sigmoid(z) - y
    return loss, np.concatenate([X.T @ r / M, [r.mean()]]) + lam * theta
