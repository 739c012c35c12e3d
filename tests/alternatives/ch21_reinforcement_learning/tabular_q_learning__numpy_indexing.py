"""Numpy arrays indexed element by element, the count incremented before computing α (with n - 1)."""


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    xs, acts, costs, nxt = traj
    Q = np.zeros((S, A)) if Q0 is None else Q0.astype(np.float64, copy=True)
    n = np.zeros((S, A))
    for k in range(len(xs)):
        x, a, z = int(xs[k]), int(acts[k]), int(nxt[k])
        n[x, a] += 1
        alpha = n[x, a] ** (-omega)
        Q[x, a] = (1 - alpha) * Q[x, a] + alpha * (costs[k] + beta * np.min(Q[z, :]))
    return Q
