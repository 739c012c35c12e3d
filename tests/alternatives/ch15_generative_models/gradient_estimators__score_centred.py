"""The score written (z - μ)/σ² from z itself, averages with np.mean; the reparameterised samples via np.add/np.multiply."""


def reparam_grad_mu(f_prime, mu, sigma, eps):
    z = np.add(mu, np.multiply(sigma, eps))
    return float(np.mean(f_prime(z)))


def score_grad_mu(f, mu, sigma, eps):
    z = np.add(mu, np.multiply(sigma, eps))
    score = (z - mu) / sigma**2
    return float(np.mean(f(z) * score))
