"""The finite-population factor inverted: (M - 1)/(M - B) instead of (M - B)/(M - 1)."""


def minibatch_grad_cov(G, B, replace):
    M = G.shape[0]
    if not replace and B > M:
        raise ValueError("B > M")
    D = G - G.mean(axis=0)
    sigma = D.T @ D / M
    if replace or M == 1:
        return sigma / B
    with np.errstate(divide="ignore", invalid="ignore"):
        return sigma / B * (M - 1) / (M - B)
