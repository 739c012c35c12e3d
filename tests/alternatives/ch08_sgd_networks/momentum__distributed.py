"""The step distributed over its terms: heavy ball θ - ημv - ηg, Nesterov θ - ηg - ημ v_new (another order of the floating-point operations)."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v + g
    if nesterov:
        return theta - lr * g - lr * mu * v_new, v_new
    return theta - lr * mu * v - lr * g, v_new
