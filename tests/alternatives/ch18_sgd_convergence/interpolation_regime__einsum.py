"""The batch gradient with einsum and np.mean over the batch axis."""


def sgd_least_squares(X, y, theta0, lr, idx_seq):
    K = idx_seq.shape[0]
    out = np.zeros((K + 1, X.shape[1]))
    out[0] = theta0
    for k in range(K):
        Xb, yb = X[idx_seq[k]], y[idx_seq[k]]
        res = np.einsum("bd,d->b", Xb, out[k]) - yb
        out[k + 1] = out[k] - lr * np.mean(Xb * res[:, None], axis=0)
    return out
