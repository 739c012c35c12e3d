"""max instead of min over the next actions in the target (the reward convention)."""


def _target(c, beta, Q, x, z):
    return c + beta * max(Q[z])
