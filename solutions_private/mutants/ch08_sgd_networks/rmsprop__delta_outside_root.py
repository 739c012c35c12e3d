"""δ outside the root: g/(δ + √r) as in torch, not the notes' g/√(δ + r)."""


def rmsprop_step(theta, r, g, lr, rho, delta):
    r_new = rho * r + (1 - rho) * g * g
    return theta - lr * g / (delta + np.sqrt(r_new)), r_new
