"""Log-probabilities by np.logaddexp.reduce over each row, one-hot rows from np.eye, the recursion with the lists filled by index."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    logP = U - np.logaddexp.reduce(U, axis=1, keepdims=True)
    E = np.eye(C)[np.asarray(y)]
    L = len(Ws)
    deltas = [None] * L
    deltas[-1] = (np.exp(logP) - E) / M
    for ell in range(L - 2, -1, -1):
        deltas[ell] = (deltas[ell + 1] @ Ws[ell + 1].T) * activate(Zs[ell], activation)[1]
    return float(-np.sum(logP * E) / M), [H.T @ d for H, d in zip(Hs, deltas)], [d.sum(axis=0) for d in deltas]
