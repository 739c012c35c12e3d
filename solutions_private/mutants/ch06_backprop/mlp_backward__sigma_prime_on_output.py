"""σ'(Z^L) multiplied into δ^L although the output layer is linear."""


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M = X.shape[0]
    loss = 0.5 * float(np.sum((U - Y) ** 2)) / M
    _, dsigma = activate(Zs[-1], activation)
    dWs, dbs = _gradients(_backward((U - Y) / M * dsigma, Ws, Zs, activation), Hs)
    return loss, dWs, dbs
