"""Norms listed in the order they are computed, output layer first (ℓ = L..1)."""


def delta_norms(X, Y, Ws, bs, activation):
    _, deltas, _ = _square_loss_deltas(X, Y, Ws, bs, activation)
    return np.array([np.linalg.norm(d) for d in deltas[::-1]])
