"""δ^L = (Y - U)/M: the sign of ∂ℓ/∂m = -(y - m) lost."""


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    U, Zs, Hs = mlp_forward(X, Ws, bs, activation)
    M = X.shape[0]
    loss = 0.5 * float(np.sum((U - Y) ** 2)) / M
    dWs, dbs = _gradients(_backward((Y - U) / M, Ws, Zs, activation), Hs)
    return loss, dWs, dbs
