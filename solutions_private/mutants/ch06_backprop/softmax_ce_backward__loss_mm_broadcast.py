"""Λ from logP[:, y], an (M, M) matrix: the mean runs over all pairs (m, y_k)."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    S = U - U.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss = -float(np.mean(logP[:, y]))
    G = np.exp(logP) - np.eye(C)[y]
    dWs, dbs = _gradients(_backward(G / M, Ws, Zs, activation), Hs)
    return loss, dWs, dbs
