"""Forgets the factor (x - x'): returns the average path gradient."""


def integrated_gradients(grad_fn, x, x_base, n_steps):
    alphas = (np.arange(n_steps) + 0.5) / n_steps
    return np.mean([grad_fn(x_base + a * (x - x_base)) for a in alphas], axis=0)
