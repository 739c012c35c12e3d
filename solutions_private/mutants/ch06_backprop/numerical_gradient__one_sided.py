"""One-sided differences (f(θ + h e_i) - f(θ))/h: first order only."""


def numerical_gradient(f, theta, h=1e-6):
    x = np.array(theta, dtype=np.float64)
    flat = x.reshape(-1)
    f0 = float(f(x))
    grad = np.empty(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        grad[i] = (float(f(x)) - f0) / h
        flat[i] = old
    return grad.reshape(x.shape)
