"""One perturbation vector shared by all coordinates and never reset: e accumulates h e_0 + ... + h e_i."""


def numerical_gradient(f, theta, h=1e-6):
    e = np.zeros_like(theta, dtype=np.float64)
    grad = np.empty(theta.size)
    for i in range(theta.size):
        e.reshape(-1)[i] = h
        grad[i] = (float(f(theta + e)) - float(f(theta - e))) / (2 * h)
    return grad.reshape(theta.shape)
