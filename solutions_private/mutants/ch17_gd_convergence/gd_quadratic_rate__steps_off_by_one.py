"""Off by one in the number of steps: returns θ_1..θ_K (K rows), without θ_0."""


def gd_quadratic(A, b, theta0, lr, n_steps):
    theta = np.array(theta0, dtype=np.float64)
    out = []
    for _ in range(n_steps):
        theta = theta - lr * (A @ theta - b)
        out.append(theta)
    return np.array(out).reshape(n_steps, len(theta0))
