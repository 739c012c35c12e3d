"""max instead of min over the next actions in the target (the reward convention)."""


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    xs, acts, costs, x_next = traj
    Q = np.zeros((S, A)) if Q0 is None else np.array(Q0, dtype=np.float64)
    visits = np.zeros((S, A), dtype=np.int64)
    for x, a, c, z in zip(xs.tolist(), acts.tolist(), costs.tolist(), x_next.tolist()):
        alpha = 1.0 / (1.0 + visits[x, a]) ** omega
        Q[x, a] += alpha * (c + beta * Q[z].max() - Q[x, a])
        visits[x, a] += 1
    return Q
