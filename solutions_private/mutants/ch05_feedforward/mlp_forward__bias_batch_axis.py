"""Bias broadcast along the batch axis: Z = H W + b[:, None]."""


def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    H = X
    Zs, Hs = [], []
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Hs.append(H)
        Z = H @ W + b[:, None]
        Zs.append(Z)
        if ell < len(Ws):
            H, _ = activate(Z, activation)
    out = _softmax_rows(Zs[-1]) if output == "softmax" else Zs[-1].copy()
    return out, Zs, Hs
