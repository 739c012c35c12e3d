"""δ^L = U - Y without the 1/M of Λ: every norm M times too large."""


def delta_norms(X, Y, Ws, bs, activation):
    U, Zs, _ = mlp_forward(X, Ws, bs, activation)
    return np.array([np.linalg.norm(d) for d in _backward(U - Y, Ws, Zs, activation)])
