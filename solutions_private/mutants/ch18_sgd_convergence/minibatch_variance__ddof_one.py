"""Σ with ddof = 1 (the sample covariance) combined with the factor (M - B)/(M - 1): off by M/(M - 1)."""


def minibatch_grad_cov(G, B, replace):
    M = G.shape[0]
    if not replace and B > M:
        raise ValueError("B > M")
    S = np.atleast_2d(np.cov(G.T, ddof=1)) if M > 1 else np.zeros((G.shape[1], G.shape[1]))
    return S / B if replace else S / B * (M - B) / max(M - 1, 1)
