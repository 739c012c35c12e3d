"""Score function with (z - μ)/σ instead of (z - μ)/σ² (that is just ε)."""


def score_grad_mu(f, mu, sigma, eps):
    z = mu + sigma * eps
    return float(np.mean(f(z) * (z - mu) / sigma))
