"""A stopping rule on V rather than on successive differences: stops when ‖V_k‖∞ ≤ tol (so it runs to max_iter)."""


def value_iteration(P, cost, beta, tol=1e-10, max_iter=100000):
    V = np.zeros(cost.shape[0])
    for k in range(1, max_iter + 1):
        V, _ = bellman_operator(V, P, cost, beta)
        if np.max(np.abs(V)) <= tol:
            break
    _, policy = bellman_operator(V, P, cost, beta)
    return V, policy, k
