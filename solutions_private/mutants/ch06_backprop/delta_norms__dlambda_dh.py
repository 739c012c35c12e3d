"""Norms of ∂Λ/∂H^ℓ = δ^{ℓ+1} (W^{ℓ+1})ᵀ (before the factor σ'(Z^ℓ)) instead of δ^ℓ = ∂Λ/∂Z^ℓ."""


def delta_norms(X, Y, Ws, bs, activation):
    _, deltas, _ = _square_loss_deltas(X, Y, Ws, bs, activation)
    dH = [deltas[i + 1] @ Ws[i + 1].T for i in range(len(Ws) - 1)]
    return np.array([np.linalg.norm(g) for g in dH + [deltas[-1]]])
