"""Allowing n = 0: a start already past q_+ gets T = 0."""

_from_step_one = exit_time


def exit_time(x0, policy, delta, q_plus, n_max):
    return np.where(x0[:, 0] > q_plus, 0.0, _from_step_one(x0, policy, delta, q_plus, n_max))
