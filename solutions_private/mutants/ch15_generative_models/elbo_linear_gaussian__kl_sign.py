"""The KL term added instead of subtracted (ELBO = E log p(x|z) + KL)."""


def elbo_closed_form(x, A, b, s2, m, v):
    d = x.shape[0]
    r = x - b - A @ m
    expected_sq = r @ r + np.sum(v * np.sum(A * A, axis=0))
    kl = 0.5 * np.sum(v + m * m - 1.0 - np.log(v))
    return float(-0.5 * d * np.log(2 * np.pi * s2) - expected_sq / (2.0 * s2) + kl)
