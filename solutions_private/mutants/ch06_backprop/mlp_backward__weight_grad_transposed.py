"""∂Λ/∂W^ℓ computed as (δ^ℓ)ᵀ H^{ℓ-1}, shape (d_ℓ, d_{ℓ-1}) (the nn.Linear layout)."""


def _gradients(deltas, Hs):
    return [d.T @ H for H, d in zip(Hs, deltas)], [d.sum(axis=0) for d in deltas]
