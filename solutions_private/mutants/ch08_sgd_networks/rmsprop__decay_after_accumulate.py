"""Order: g² accumulated before the decay, r ← ρ (r + (1-ρ) g⊙g)."""


def rmsprop_step(theta, r, g, lr, rho, delta):
    r_new = rho * (r + (1 - rho) * g * g)
    return theta - lr * g / np.sqrt(delta + r_new), r_new
