"""Values minimised but the greedy policy taken as the argmax (max for min in the policy only)."""


def bellman_operator(V, P, cost, beta):
    Q = cost + beta * np.einsum("axz,z->xa", P, V)
    return Q.min(axis=1), Q.argmax(axis=1).astype(np.int64)
