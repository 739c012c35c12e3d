"""The two bodies swapped: reparam_grad_mu applies the score formula to f', score_grad_mu averages f(z)."""


def reparam_grad_mu(f_prime, mu, sigma, eps):
    z = mu + sigma * eps
    return float(np.mean(f_prime(z) * (z - mu) / sigma**2))


def score_grad_mu(f, mu, sigma, eps):
    return float(np.mean(f(mu + sigma * eps)))
