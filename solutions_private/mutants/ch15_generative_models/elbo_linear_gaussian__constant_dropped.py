"""The normalising constant -(d/2) log(2π s²) of the likelihood dropped ("up to a constant")."""


def elbo_closed_form(x, A, b, s2, m, v):
    r = x - b - A @ m
    expected_sq = r @ r + np.sum(v * np.sum(A * A, axis=0))
    kl = 0.5 * np.sum(v + m * m - 1.0 - np.log(v))
    return float(-expected_sq / (2.0 * s2) - kl)
