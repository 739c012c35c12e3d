"""(P - E_y)/M multiplied again by the softmax's diagonal derivative P(1 - P)."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    P = _softmax_rows(U)
    S = U - U.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss = -float(logP[np.arange(M), y].sum()) / M
    E = np.eye(C)[y]
    dWs, dbs = _gradients(_backward((P - E) / M * P * (1 - P), Ws, Zs, activation), Hs)
    return loss, dWs, dbs
