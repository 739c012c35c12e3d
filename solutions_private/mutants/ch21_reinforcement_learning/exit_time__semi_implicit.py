"""Semi-implicit update: the new position uses the new velocity, q_{n+1} = q_n + δ v_{n+1}."""


def _move(q, v, lam, delta):
    v = v + delta * lam
    return q + delta * v, v
