"""Bias correction with k counted from 0: divides by 1 - ρ^(k-1), i.e. by zero at the first step."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = rho1 * s + (1 - rho1) * g
    r_new = rho2 * r + (1 - rho2) * g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        s_hat = s_new / (1 - rho1 ** (k - 1))
        r_hat = r_new / (1 - rho2 ** (k - 1))
        return theta - lr * s_hat / (delta + np.sqrt(r_hat)), s_new, r_new
