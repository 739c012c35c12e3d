"""Sign error: the residual y - Xθ used, which gives -∇Λ_B."""


def minibatch_grad(theta, X, y, idx):
    r = y[idx] - X[idx] @ theta
    return X[idx].T @ r / len(idx)
