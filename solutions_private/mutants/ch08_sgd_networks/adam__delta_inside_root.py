"""δ inside the root: ŝ/√(δ + r̂) instead of ŝ/(δ + √r̂)."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = rho1 * s + (1 - rho1) * g
    r_new = rho2 * r + (1 - rho2) * g * g
    s_hat = s_new / (1 - rho1**k)
    r_hat = r_new / (1 - rho2**k)
    return theta - lr * s_hat / np.sqrt(delta + r_hat), s_new, r_new
