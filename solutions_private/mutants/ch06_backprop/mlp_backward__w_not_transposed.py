"""W^{ℓ+1} instead of (W^{ℓ+1})ᵀ in the recursion: δ^{ℓ+1} @ W^{ℓ+1} (fails on non-square layers)."""


def _backward(delta_L, Ws, Zs, activation):
    L = len(Ws)
    deltas = [None] * L
    deltas[L - 1] = delta_L
    for i in range(L - 2, -1, -1):
        _, dsigma = activate(Zs[i], activation)
        deltas[i] = (deltas[i + 1] @ Ws[i + 1]) * dsigma
    return deltas
