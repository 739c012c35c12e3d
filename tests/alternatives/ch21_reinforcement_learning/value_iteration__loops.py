"""Plain Python loops over states and actions (no einsum), a while loop for the iteration."""


def bellman_operator(V, P, cost, beta):
    A, S, _ = P.shape
    TV = np.empty(S)
    policy = np.empty(S, dtype=np.int64)
    for x in range(S):
        best, best_a = None, 0
        for a in range(A):
            q = cost[x, a] + beta * float(np.dot(P[a, x], V))
            if best is None or q < best:
                best, best_a = q, a
        TV[x], policy[x] = best, best_a
    return TV, policy


def value_iteration(P, cost, beta, tol=1e-10, max_iter=100000):
    V = np.zeros(cost.shape[0])
    k = 0
    while k < max_iter:
        V_next = bellman_operator(V, P, cost, beta)[0]
        k += 1
        gap = np.max(np.abs(V_next - V))
        V = V_next
        if gap <= tol:
            break
    return V, bellman_operator(V, P, cost, beta)[1], int(k)
