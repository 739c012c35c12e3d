"""Norms of ∂Λ/∂W^ℓ = (H^{ℓ-1})ᵀ δ^ℓ returned instead of the norms of δ^ℓ."""


def delta_norms(X, Y, Ws, bs, activation):
    _, dWs, _ = mlp_backward(X, Y, Ws, bs, activation)
    return np.array([np.linalg.norm(g) for g in dWs])
