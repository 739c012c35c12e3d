"""Σ as E[ggᵀ] - ḡḡᵀ (raw second moments): catastrophic cancellation when the gradients share a large offset."""


def minibatch_grad_cov(G, B, replace):
    M = G.shape[0]
    if not replace and B > M:
        raise ValueError("B > M")
    mean = G.mean(axis=0)
    sigma = G.T @ G / M - np.outer(mean, mean)
    if replace:
        return sigma / B
    return np.zeros_like(sigma) if M == 1 else sigma / B * (M - B) / (M - 1)
