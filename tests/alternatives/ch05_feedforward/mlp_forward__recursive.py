"""A recursive forward pass (one call per layer) that builds the caches on the way back; the softmax normalised one row at a time."""


def _layers(H, Ws, bs, activation, Zs, Hs):
    Hs.append(H)
    Z = H @ Ws[0] + bs[0]
    Zs.append(Z)
    if len(Ws) == 1:
        return Z
    return _layers(activate(Z, activation)[0], Ws[1:], bs[1:], activation, Zs, Hs)


def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    Zs, Hs = [], []
    U = _layers(np.array(X, dtype=np.float64), list(Ws), list(bs), activation, Zs, Hs)
    if output == "identity":
        return np.array(U), Zs, Hs
    if output != "softmax":
        raise ValueError(output)
    P = np.empty_like(U)
    for m, row in enumerate(U):
        e = np.exp(row - row.max())
        P[m] = e / e.sum()
    return P, Zs, Hs
