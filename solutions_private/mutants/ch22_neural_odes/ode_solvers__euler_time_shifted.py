"""Euler with the field evaluated at the end of the step, f(t_{k+1}, x_k)."""


def _euler_increment(f, t, x, h):
    return h * f(t + h, x)
