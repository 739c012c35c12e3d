"""The textbook form with the sample covariance S (ddof = 1): Cov = (S/B)(1 - B/M) without replacement, (S/B)(M-1)/M with."""


def minibatch_grad_cov(G, B, replace):
    M, p = G.shape
    if not replace and B > M:
        raise ValueError("without replacement the batch cannot exceed the data")
    if M == 1:
        return np.zeros((p, p))
    S = np.cov(G, rowvar=False, ddof=1).reshape(p, p)
    return S / B * (M - 1) / M if replace else S / B * (1 - B / M)
