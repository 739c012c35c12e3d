"""(1-ρ) omitted: r ← ρ r + g⊙g."""


def rmsprop_step(theta, r, g, lr, rho, delta):
    r_new = rho * r + g * g
    return theta - lr * g / np.sqrt(delta + r_new), r_new
