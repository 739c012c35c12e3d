"""The target with max over the next actions instead of min (rewards instead of costs)."""


def _target_value(C, W, cost, beta, xi_next):
    return cost + beta * q_net(C, W, xi_next).max()
