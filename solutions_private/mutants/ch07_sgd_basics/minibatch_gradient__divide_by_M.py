"""Dividing by the number of samples M instead of the batch size |B|."""


def minibatch_grad(theta, X, y, idx):
    r = X[idx] @ theta - y[idx]
    return X[idx].T @ r / X.shape[0]
