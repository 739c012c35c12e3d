"""A global step count instead of per-(x, a) visit counts: α_k = 1/(1 + k)^ω."""


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    xs, acts, costs, x_next = traj
    Q = np.zeros((S, A)) if Q0 is None else np.array(Q0, dtype=np.float64)
    for k, (x, a, c, z) in enumerate(zip(xs.tolist(), acts.tolist(), costs.tolist(), x_next.tolist())):
        alpha = 1.0 / (1.0 + k) ** omega
        Q[x, a] += alpha * (c + beta * Q[z].min() - Q[x, a])
    return Q
