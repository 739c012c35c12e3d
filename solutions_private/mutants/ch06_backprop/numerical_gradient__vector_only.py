"""Assumes θ is a vector: for i in range(len(theta)) perturbs whole rows of a matrix θ."""


def numerical_gradient(f, theta, h=1e-6):
    x = np.array(theta, dtype=np.float64)
    grad = np.zeros(len(x))
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
