"""The step divides by the OLD average √(δ + r) (computed before r is updated)."""


def rmsprop_step(theta, r, g, lr, rho, delta):
    with np.errstate(divide="ignore", invalid="ignore"):
        new_theta = theta - lr * g / np.sqrt(delta + r)
    return new_theta, rho * r + (1 - rho) * g * g
