"""Classic form v ← μv - ηg, θ ← θ + v: another velocity, and another method once η changes."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v - lr * g
    if nesterov:
        return theta + mu * v_new - lr * g, v_new
    return theta + v_new, v_new
