"""Closed form with the trace tr(A diag(v) Aᵀ) formed as a matrix; Monte Carlo with (z - m)/√v replaced by ε and the three log-densities summed per draw."""


def elbo_closed_form(x, A, b, s2, m, v):
    d, k = A.shape
    r = x - b - A @ m
    trace = float(np.trace(A @ np.diag(v) @ A.T))
    loglik = -0.5 * d * np.log(2.0 * np.pi * s2) - (r @ r + trace) / (2.0 * s2)
    kl = 0.5 * float(np.sum(v) + m @ m - k - np.sum(np.log(v)))
    return float(loglik - kl)


def elbo_mc(x, A, b, s2, m, v, eps):
    d, k = A.shape
    z = m + np.sqrt(v) * eps
    res = (x - b)[None, :] - z @ A.T
    log_lik = -0.5 * d * np.log(2.0 * np.pi * s2) - 0.5 * np.sum(res * res, axis=1) / s2
    log_prior = -0.5 * k * np.log(2.0 * np.pi) - 0.5 * np.sum(z * z, axis=1)
    log_q = -0.5 * k * np.log(2.0 * np.pi) - 0.5 * np.sum(np.log(v)) - 0.5 * np.sum(eps * eps, axis=1)
    return float(np.mean(log_lik + log_prior - log_q))
