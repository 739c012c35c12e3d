"""No bias correction: θ ← θ - η s/(δ + √r), so the first steps are too small."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = rho1 * s + (1 - rho1) * g
    r_new = rho2 * r + (1 - rho2) * g * g
    return theta - lr * s_new / (delta + np.sqrt(r_new)), s_new, r_new
