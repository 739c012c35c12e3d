"""The average written incrementally, r + (1 - ρ)(g² - r), and the step with np.power(δ + r, -1/2)."""


def rmsprop_step(theta, r, g, lr, rho, delta):
    r_new = r + (1.0 - rho) * (g * g - r)
    return theta - lr * g * np.power(delta + r_new, -0.5), r_new
