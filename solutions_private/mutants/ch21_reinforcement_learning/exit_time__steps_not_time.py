"""Returning the number of steps n instead of the time n·δ."""

_times = exit_time


def exit_time(x0, policy, delta, q_plus, n_max):
    return _times(x0, policy, delta, q_plus, n_max) / delta
