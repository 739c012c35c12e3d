"""Bootstrapping from x_k instead of x_{k+1}: target c + β min Q(x_k, ·)."""


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    xs, acts, costs, x_next = traj
    Q = np.zeros((S, A)) if Q0 is None else np.array(Q0, dtype=np.float64)
    visits = np.zeros((S, A), dtype=np.int64)
    for x, a, c, z in zip(xs.tolist(), acts.tolist(), costs.tolist(), x_next.tolist()):
        alpha = 1.0 / (1.0 + visits[x, a]) ** omega
        Q[x, a] += alpha * (c + beta * Q[x].min() - Q[x, a])
        visits[x, a] += 1
    return Q
