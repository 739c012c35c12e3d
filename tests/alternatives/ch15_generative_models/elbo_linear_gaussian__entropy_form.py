"""ELBO = E_q log p(x|z) + E_q log p(z) + H(q), each expectation in closed form; Monte Carlo by a loop over the draws."""


def elbo_closed_form(x, A, b, s2, m, v):
    d, k = A.shape
    r = x - b - A @ m
    e_loglik = -0.5 * d * np.log(2.0 * np.pi * s2) - (r @ r + np.sum((A * A) @ v)) / (2.0 * s2)
    e_logprior = -0.5 * k * np.log(2.0 * np.pi) - 0.5 * (m @ m + np.sum(v))
    entropy = 0.5 * k * (1.0 + np.log(2.0 * np.pi)) + 0.5 * np.sum(np.log(v))
    return float(e_loglik + e_logprior + entropy)


def elbo_mc(x, A, b, s2, m, v, eps):
    d, k = A.shape
    sd = np.sqrt(v)
    total = 0.0
    for e in eps:
        z = m + sd * e
        r = x - b - A @ z
        total += (-0.5 * d * np.log(2.0 * np.pi * s2) - (r @ r) / (2.0 * s2)
                  - 0.5 * k * np.log(2.0 * np.pi) - 0.5 * (z @ z)
                  + 0.5 * k * np.log(2.0 * np.pi) + 0.5 * np.sum(np.log(v)) + 0.5 * np.sum(((z - m) / sd) ** 2))
    return float(total / eps.shape[0])
