"""Visit counts in a dictionary keyed by (x, a); Q updated through a temporary difference variable."""


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    Q = np.array(Q0, dtype=np.float64) if Q0 is not None else np.zeros((S, A), dtype=np.float64)
    counts = {}
    for x, a, c, z in zip(*(list(t) for t in traj)):
        key = (int(x), int(a))
        seen = counts.get(key, 0)
        td = float(c) + beta * min(Q[int(z)]) - Q[key]
        Q[key] += td / (1 + seen) ** omega
        counts[key] = seen + 1
    return Q
