"""A list of iterates stacked at the end, the step written θ + η(b - Aθ)."""


def gd_quadratic(A, b, theta0, lr, n_steps):
    rows = [np.asarray(theta0, dtype=np.float64).copy()]
    for _ in range(n_steps):
        rows.append(rows[-1] + lr * (b - np.dot(A, rows[-1])))
    return np.vstack(rows)


def contraction_factor(mu, L, lr):
    a, b = abs(1 - lr * mu), abs(1 - lr * L)
    return float(a if a >= b else b)
