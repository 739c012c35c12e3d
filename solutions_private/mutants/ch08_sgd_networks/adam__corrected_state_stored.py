"""The bias-corrected ŝ, r̂ returned as the new state instead of s, r."""


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    s_hat = (rho1 * s + (1 - rho1) * g) / (1 - rho1**k)
    r_hat = (rho2 * r + (1 - rho2) * g * g) / (1 - rho2**k)
    return theta - lr * s_hat / (delta + np.sqrt(r_hat)), s_hat, r_hat
