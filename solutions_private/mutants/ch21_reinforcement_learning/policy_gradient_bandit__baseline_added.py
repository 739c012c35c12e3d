"""The baseline added instead of subtracted: (r + b) ∇ log p (still unbiased, but wrong, and noisier)."""


def reinforce_estimate(theta, X, A, r, baseline=None):
    n = X.shape[0]
    p = _softmax_rows(X @ theta.T)
    score = -p
    score[np.arange(n), A] += 1.0
    w = r if baseline is None else r + baseline
    return (score * w[:, None]).T @ X / n
