"""Allowing n = 0: a start already past q_+ gets T = 0."""


def exit_time(x0, policy, delta, q_plus, n_max):
    q, v = x0[:, 0].astype(np.float64), x0[:, 1].astype(np.float64)
    T = np.where(q > q_plus, 0.0, np.inf)
    for n in range(1, n_max + 1):
        if not np.isinf(T).any():
            break
        lam = np.asarray(policy(np.stack([q, v], axis=1)), dtype=np.float64)
        q, v = q + delta * v, v + delta * lam
        T[np.isinf(T) & (q > q_plus)] = n * delta
    return T
