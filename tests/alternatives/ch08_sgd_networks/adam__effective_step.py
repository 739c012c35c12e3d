"""Kingma and Ba's efficient form: η_k = η √(1-ρ2^k)/(1-ρ1^k) applied to s/(√r + δ √(1-ρ2^k)), algebraically equal to η ŝ/(δ + √r̂)."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = rho1 * s + (1.0 - rho1) * g
    r_new = rho2 * r + (1.0 - rho2) * g * g
    c2 = np.sqrt(1.0 - rho2**k)
    eta_k = lr * c2 / (1.0 - rho1**k)
    return theta - eta_k * s_new / (np.sqrt(r_new) + delta * c2), s_new, r_new
