"""State lost: the incoming v is returned instead of the new velocity."""


def momentum_step(theta, v, g, lr, mu, nesterov=False):
    v_new = mu * v + g
    step = g + mu * v_new if nesterov else v_new
    return theta - lr * step, v
