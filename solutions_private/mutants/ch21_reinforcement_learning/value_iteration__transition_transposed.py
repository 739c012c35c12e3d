"""Rows and columns of the transition matrix swapped: Σ_z p(x | z, a) V(z), i.e. V @ P[a] instead of P[a] @ V."""


def bellman_operator(V, P, cost, beta):
    Q = cost + beta * np.einsum("azx,z->xa", P, V)
    return Q.min(axis=1), Q.argmin(axis=1).astype(np.int64)
