"""Reparameterisation with the variance instead of the standard deviation: z = m + v ⊙ ε."""


def elbo_mc(x, A, b, s2, m, v, eps):
    d, k = x.shape[0], m.shape[0]
    z = m + v * eps
    res = x - b - z @ A.T
    log_lik = -0.5 * d * np.log(2 * np.pi * s2) - 0.5 * np.sum(res * res, axis=1) / s2
    log_prior = -0.5 * k * np.log(2 * np.pi) - 0.5 * np.sum(z * z, axis=1)
    log_q = -0.5 * k * np.log(2 * np.pi) - 0.5 * np.sum(np.log(v)) - 0.5 * np.sum(eps * eps, axis=1)
    return float(np.mean(log_lik + log_prior - log_q))
