"""The exact gradient summed over the contexts instead of averaged (the 1/n of J forgotten)."""


def exact_policy_gradient(theta, X, R):
    p = _softmax_rows(X @ theta.T)
    v = (p * R).sum(axis=1, keepdims=True)
    return (p * (R - v)).T @ X
