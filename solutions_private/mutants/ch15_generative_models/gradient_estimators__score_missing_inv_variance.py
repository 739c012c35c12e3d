"""Score function without the 1/σ²: f(z)(z - μ) instead of f(z)(z - μ)/σ²."""


def score_grad_mu(f, mu, sigma, eps):
    z = mu + sigma * eps
    return float(np.mean(f(z) * (z - mu)))
