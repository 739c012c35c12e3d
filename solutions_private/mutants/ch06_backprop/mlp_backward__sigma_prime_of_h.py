"""σ' evaluated at H^ℓ = σ(Z^ℓ) instead of Z^ℓ (σ applied twice)."""


def _backward(delta_L, Ws, Zs, activation):
    L = len(Ws)
    deltas = [None] * L
    deltas[L - 1] = delta_L
    for i in range(L - 2, -1, -1):
        H, _ = activate(Zs[i], activation)
        _, dsigma = activate(H, activation)
        deltas[i] = (deltas[i + 1] @ Ws[i + 1].T) * dsigma
    return deltas
