"""The wrong sign of b in the gradient: Aθ + b, so GD converges to -A⁻¹b instead of θ* = A⁻¹b."""


def gd_quadratic(A, b, theta0, lr, n_steps):
    out = [np.array(theta0, dtype=np.float64)]
    for _ in range(n_steps):
        out.append(out[-1] - lr * (A @ out[-1] + b))
    return np.array(out)
