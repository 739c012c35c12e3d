"""The 1/M dropped from δ^L = (U - Y)/M while Λ is still a mean: gradients M times too large."""


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    loss = 0.5 * float(np.sum((U - Y) ** 2)) / X.shape[0]
    dWs, dbs = _gradients(_backward(U - Y, Ws, Zs, activation), Hs)
    return loss, dWs, dbs
