"""A loop over the midpoints, one call of grad_fn per point, the path written (1 - α) x' + α x."""


def integrated_gradients(grad_fn, x, x_base, n_steps):
    acc = np.zeros(x.shape[0])
    for k in range(n_steps):
        a = (k + 0.5) / n_steps
        acc += np.asarray(grad_fn((1.0 - a) * x_base + a * x), dtype=np.float64)
    return (acc / n_steps) * (x - x_base)
