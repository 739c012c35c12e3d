"""The activation also applied to the output layer: U = σ(Z^L)."""


def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    H = X
    Zs, Hs = [], []
    for W, b in zip(Ws, bs):
        Hs.append(H)
        Z = H @ W + b
        Zs.append(Z)
        H, _ = activate(Z, activation)
    out = _softmax_rows(H) if output == "softmax" else H
    return out, Zs, Hs
