"""The replace flag ignored: the finite-population correction applied to sampling with replacement too."""


def minibatch_grad_cov(G, B, replace):
    M = G.shape[0]
    if B > M:
        raise ValueError("B > M")
    D = G - G.mean(axis=0)
    return np.zeros((G.shape[1],) * 2) if M == 1 else D.T @ D / M / B * (M - B) / (M - 1)
