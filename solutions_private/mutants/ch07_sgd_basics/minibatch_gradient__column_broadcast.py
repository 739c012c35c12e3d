"""θ treated as a column: (B,1) - (B,) broadcasts the residual to a (B,B) matrix."""


def minibatch_grad(theta, X, y, idx):
    r = X[idx] @ theta[:, None] - y[idx]
    return (X[idx].T @ r / len(idx)).mean(axis=1)
