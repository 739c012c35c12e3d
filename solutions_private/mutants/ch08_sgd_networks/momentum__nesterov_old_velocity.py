"""Nesterov look-ahead with the OLD velocity: θ - η(g + μ v) instead of g + μ v_new."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v + g
    step = g + mu * v if nesterov else v_new
    return theta - lr * step, v_new
