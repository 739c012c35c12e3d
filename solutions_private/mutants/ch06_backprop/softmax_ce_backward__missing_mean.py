"""δ^L = P - E_y without the 1/M, while Λ is a mean."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    S = U - U.max(axis=1, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss = -float(logP[np.arange(M), y].sum()) / M
    dWs, dbs = _gradients(_backward(np.exp(logP) - np.eye(C)[y], Ws, Zs, activation), Hs)
    return loss, dWs, dbs
