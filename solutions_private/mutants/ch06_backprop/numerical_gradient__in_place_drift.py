"""θ perturbed in place and "restored" by adding and subtracting h: rounding drift changes θ."""


def numerical_gradient(f, theta, h=1e-6):
    flat = theta.reshape(-1)
    grad = np.empty(flat.size)
    for i in range(flat.size):
        flat[i] += h
        f_plus = float(f(theta))
        flat[i] -= 2 * h
        f_minus = float(f(theta))
        flat[i] += h
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(theta.shape)
