"""The trace term Σ_j v_j ‖A_{:,j}‖² of E_q‖x - b - Az‖² is missing (q treated as a point mass in the likelihood)."""


def elbo_closed_form(x, A, b, s2, m, v):
    d = x.shape[0]
    r = x - b - A @ m
    kl = 0.5 * np.sum(v + m * m - 1.0 - np.log(v))
    return float(-0.5 * d * np.log(2 * np.pi * s2) - (r @ r) / (2.0 * s2) - kl)
