"""Computes q_n before asking the policy (q_n needs only v_{n-1}), so the last call is saved; a boolean mask of active rows."""


def exit_time(x0, policy, delta, q_plus, n_max):
    q = np.array(x0[:, 0], dtype=np.float64)
    v = np.array(x0[:, 1], dtype=np.float64)
    out = np.full(len(q), np.inf)
    active = np.ones(len(q), dtype=bool)
    for n in range(1, n_max + 1):
        q_new = q + delta * v
        hit = active & (q_new > q_plus)
        out[hit] = n * delta
        active &= ~hit
        if not active.any() or n == n_max:
            break
        v = v + delta * np.asarray(policy(np.column_stack([q, v])), dtype=np.float64)
        q = q_new
    return out
