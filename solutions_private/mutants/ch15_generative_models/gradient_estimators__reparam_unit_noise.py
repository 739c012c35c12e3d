"""Reparameterisation without σ: z = μ + ε (samples from N(μ, 1) instead of N(μ, σ²))."""


def reparam_grad_mu(f_prime, mu, sigma, eps):
    return float(np.mean(f_prime(mu + eps)))
