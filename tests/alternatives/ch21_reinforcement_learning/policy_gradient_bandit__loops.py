"""Loops: the exact gradient context by context (log-sum-exp softmax), REINFORCE action by action (masks instead of one-hot indexing)."""


def _probs(theta, x):
    z = theta @ x
    lse = z.max() + np.log(np.sum(np.exp(z - z.max())))
    return np.exp(z - lse)


def exact_policy_gradient(theta, X, R):
    g = np.zeros_like(theta)
    for x, rw in zip(X, R):
        p = _probs(theta, x)
        for k in range(theta.shape[0]):
            g[k] += p[k] * (rw[k] - p @ rw) * x
    return g / X.shape[0]


def reinforce_estimate(theta, X, A, r, baseline=None):
    Z = X @ theta.T
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    adv = r if baseline is None else r - baseline
    g = np.zeros_like(theta)
    for k in range(theta.shape[0]):
        indicator = (A == k).astype(np.float64)
        g[k] = ((indicator - P[:, k]) * adv) @ X
    return g / X.shape[0]
