"""Σ accumulated from outer products of the centred gradients in a Python loop."""


def minibatch_grad_cov(G, B, replace):
    M, p = G.shape
    if B > M and not replace:
        raise ValueError(f"B = {B} > M = {M}")
    mean = G.sum(axis=0) / M
    sigma = np.zeros((p, p))
    for g in G:
        sigma += np.outer(g - mean, g - mean)
    sigma /= M
    factor = 1.0 if replace else ((M - B) / (M - 1) if M > 1 else 0.0)
    return sigma * factor / B
