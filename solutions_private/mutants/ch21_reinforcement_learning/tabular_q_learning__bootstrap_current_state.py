"""Bootstrapping from x_k instead of x_{k+1}: target c + β min Q(x_k, ·)."""


def _target(c, beta, Q, x, z):
    return c + beta * min(Q[x])
