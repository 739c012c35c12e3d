"""Grid np.linspace(0, 1, n) including both endpoints, averaged (error O(1/n))."""


def integrated_gradients(grad_fn, x, x_base, n_steps):
    alphas = np.linspace(0.0, 1.0, n_steps)
    return (x - x_base) * np.mean([grad_fn(x_base + a * (x - x_base)) for a in alphas], axis=0)
