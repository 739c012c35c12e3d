"""n output points instead of n + 1: the initial state left out of the trajectory."""

_full_euler, _full_rk4 = euler, rk4


def euler(f, x0, t0, T, n):
    return _full_euler(f, x0, t0, T, n)[1:]


def rk4(f, x0, t0, T, n):
    return _full_rk4(f, x0, t0, T, n)[1:]
