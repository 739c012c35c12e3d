"""Bias corrections as multiplications by precomputed reciprocals 1/(1 - ρ^k) (np.power for ρ^k), the step assembled in stages."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = np.add(np.multiply(rho1, s), np.multiply(1.0 - rho1, g))
    r_new = np.add(np.multiply(rho2, r), np.multiply(1.0 - rho2, np.square(g)))
    inv1 = 1.0 / (1.0 - np.power(rho1, k))
    inv2 = 1.0 / (1.0 - np.power(rho2, k))
    denom = np.sqrt(r_new * inv2) + delta
    return theta - lr * (s_new * inv1) / denom, s_new, r_new
