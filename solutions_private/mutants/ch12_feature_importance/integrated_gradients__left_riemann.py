"""Left Riemann sum, α_k = k/n, instead of the midpoint rule (error O(1/n))."""


def integrated_gradients(grad_fn, x, x_base, n_steps):
    total = np.zeros(x.shape)
    for k in range(n_steps):
        total += grad_fn(x_base + (k / n_steps) * (x - x_base))
    return (x - x_base) * total / n_steps
