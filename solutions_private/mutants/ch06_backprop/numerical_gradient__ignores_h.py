"""The step h argument ignored (always 1e-6): right with the default, wrong whenever the caller's h matters."""


def numerical_gradient(f, theta, h=1e-6):
    x = np.array(theta, dtype=np.float64)
    flat = x.reshape(-1)
    grad = np.empty(flat.size)
    step = 1e-6
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + step
        f_plus = float(f(x))
        flat[i] = old - step
        f_minus = float(f(x))
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * step)
    return grad.reshape(x.shape)
