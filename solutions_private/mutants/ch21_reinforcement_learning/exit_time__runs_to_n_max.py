"""Keeps calling the policy after every trajectory has exited, up to n_max times (one wasted round trip per step)."""


def exit_time(x0, policy, delta, q_plus, n_max):
    q, v = x0[:, 0].astype(np.float64), x0[:, 1].astype(np.float64)
    T = np.full(x0.shape[0], np.inf)
    for n in range(1, n_max + 1):
        q, v = _move(q, v, np.asarray(policy(np.stack([q, v], axis=1)), dtype=np.float64), delta)
        T[np.isinf(T) & _past(q, q_plus)] = n * delta
    return T
