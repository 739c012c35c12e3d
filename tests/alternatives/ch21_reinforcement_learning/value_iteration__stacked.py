"""Q built column by column from P[a] @ V; the policy by comparing against the row minimum."""


def bellman_operator(V, P, cost, beta):
    Q = np.stack([cost[:, a] + beta * (P[a] @ V) for a in range(P.shape[0])], axis=1)
    TV = np.min(Q, axis=1)
    policy = np.array([int(np.flatnonzero(Q[x] == TV[x])[0]) for x in range(Q.shape[0])], dtype=np.int64)
    return TV, policy


def value_iteration(P, cost, beta, tol=1e-10, max_iter=100000):
    V_old = np.zeros(cost.shape[0])
    for k in range(1, max_iter + 1):
        V_new, _ = bellman_operator(V_old, P, cost, beta)
        if np.linalg.norm(V_new - V_old, np.inf) <= tol or k == max_iter:
            return V_new, bellman_operator(V_new, P, cost, beta)[1], k
        V_old = V_new
