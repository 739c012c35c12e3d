"""Sums as dot products: ĝ_score = f(z)·ε / (σ R), since (z - μ)/σ² = ε/σ."""


def reparam_grad_mu(f_prime, mu, sigma, eps):
    g = np.asarray(f_prime(mu + sigma * eps), dtype=np.float64)
    return float(np.sum(g) / g.shape[0])


def score_grad_mu(f, mu, sigma, eps):
    fz = np.asarray(f(mu + sigma * eps), dtype=np.float64)
    return float(fz @ eps / (sigma * eps.shape[0]))
