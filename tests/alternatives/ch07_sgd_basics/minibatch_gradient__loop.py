"""A loop over the entries of idx (repeats visit a sample twice), residual times x_m accumulated."""


def minibatch_grad(theta, X, y, idx):
    g = np.zeros(X.shape[1])
    for m in idx:
        g += (float(X[m] @ theta) - y[m]) * X[m]
    return g / len(idx)
