"""The score of the softmax taken as e_A x, forgetting the -p(·|x) x term of the normaliser."""


def reinforce_estimate(theta, X, A, r, baseline=None):
    n = X.shape[0]
    score = np.zeros((n, theta.shape[0]))
    score[np.arange(n), A] = 1.0
    w = r if baseline is None else r - baseline
    return (score * w[:, None]).T @ X / n
