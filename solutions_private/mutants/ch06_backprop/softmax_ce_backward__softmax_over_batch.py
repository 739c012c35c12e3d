"""Softmax normalised over the batch (axis 0) instead of over the classes."""


def mlp_backward_ce(X, y, Ws, bs, activation="relu"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M, C = U.shape
    S = U - U.max(axis=0, keepdims=True)
    logP = S - np.log(np.exp(S).sum(axis=0, keepdims=True))
    loss = -float(logP[np.arange(M), y].sum()) / M
    G = np.exp(logP) - np.eye(C)[y]
    dWs, dbs = _gradients(_backward(G / M, Ws, Zs, activation), Hs)
    return loss, dWs, dbs
