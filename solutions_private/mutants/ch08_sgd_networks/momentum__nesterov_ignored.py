"""Nesterov implemented as plain momentum (the flag is ignored)."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v + g
    return theta - lr * v_new, v_new
