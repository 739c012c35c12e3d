"""max instead of min: the reward convention (maximising) applied to costs."""


def bellman_operator(V, P, cost, beta):
    Q = cost + beta * np.einsum("axz,z->xa", P, V)
    return Q.max(axis=1), Q.argmax(axis=1).astype(np.int64)
