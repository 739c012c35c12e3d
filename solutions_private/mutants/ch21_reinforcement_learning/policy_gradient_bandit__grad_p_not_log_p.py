"""∇p instead of ∇log p in REINFORCE: the score multiplied by p(A_i | x_i) (biased)."""


def reinforce_estimate(theta, X, A, r, baseline=None):
    n = X.shape[0]
    p = _softmax_rows(X @ theta.T)
    score = -p
    score[np.arange(n), A] += 1.0
    score = score * p[np.arange(n), A][:, None]
    w = r if baseline is None else r - baseline
    return (score * w[:, None]).T @ X / n
