"""Repeated indices silently dropped (np.unique), so sampling with replacement is mis-weighted."""


def minibatch_grad(theta, X, y, idx):
    idx = np.unique(idx)
    r = X[idx] @ theta - y[idx]
    return X[idx].T @ r / len(idx)
