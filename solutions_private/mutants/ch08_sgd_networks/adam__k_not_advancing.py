"""Bias correction frozen at k = 1 (the step counter never advances)."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_new = rho1 * s + (1 - rho1) * g
    r_new = rho2 * r + (1 - rho2) * g * g
    s_hat = s_new / (1 - rho1)
    r_hat = r_new / (1 - rho2)
    return theta - lr * s_hat / (delta + np.sqrt(r_hat)), s_new, r_new
