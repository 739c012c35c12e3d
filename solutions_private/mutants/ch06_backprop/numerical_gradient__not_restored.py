"""θ perturbed in place and never restored: every coordinate is left at θ_i - h."""


def numerical_gradient(f, theta, h=1e-6):
    flat = theta.reshape(-1)
    grad = np.empty(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(theta))
        flat[i] = old - h
        f_minus = float(f(theta))
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(theta.shape)
