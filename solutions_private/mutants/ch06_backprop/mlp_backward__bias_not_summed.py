"""∂Λ/∂B^ℓ returned as δ^ℓ itself, an (M, d_ℓ) array, not summed over the batch."""


def _gradients(deltas, Hs):
    return [H.T @ d for H, d in zip(Hs, deltas)], [d.copy() for d in deltas]
