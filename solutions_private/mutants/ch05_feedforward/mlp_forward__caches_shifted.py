"""Hs stores each layer's output H^ℓ (ℓ = 1..L) instead of its input H^{ℓ-1}."""


def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    H = X
    Zs, Hs = [], []
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Z = H @ W + b
        Zs.append(Z)
        if ell < len(Ws):
            H, _ = activate(Z, activation)
            Hs.append(H)
    out = _softmax_rows(Zs[-1]) if output == "softmax" else Zs[-1].copy()
    Hs.append(out)
    return out, Zs, Hs
