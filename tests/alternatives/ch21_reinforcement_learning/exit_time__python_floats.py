"""The update done row by row in Python floats (one batched policy call per step), exit steps stored as ints."""


def exit_time(x0, policy, delta, q_plus, n_max):
    m = x0.shape[0]
    state = [[float(q), float(v)] for q, v in x0]
    steps = [None] * m
    n = 0
    while n < n_max and any(s is None for s in steps):
        lam = policy(np.array(state))
        n += 1
        for j in range(m):
            q, v = state[j]
            state[j] = [q + delta * v, v + delta * float(lam[j])]
            if steps[j] is None and state[j][0] > q_plus:
                steps[j] = n
    return np.array([np.inf if s is None else s * delta for s in steps], dtype=np.float64)
