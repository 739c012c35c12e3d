"""Per-sample weights from np.bincount (how often each sample occurs in idx), then one weighted full-data product."""


def minibatch_grad(theta, X, y, idx):
    counts = np.bincount(np.asarray(idx), minlength=X.shape[0]).astype(np.float64)
    r = X @ theta - y
    return X.T @ (counts * r) / counts.sum()
