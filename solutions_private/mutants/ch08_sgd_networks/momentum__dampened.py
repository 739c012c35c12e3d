"""Velocity as an average, v ← μv + (1-μ)g (dampening = μ), not PyTorch's v ← μv + g."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v + (1 - mu) * g
    step = g + mu * v_new if nesterov else v_new
    return theta - lr * step, v_new
