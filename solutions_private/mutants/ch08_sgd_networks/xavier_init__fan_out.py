"""Dividing by √d_ℓ (fan-out, the number of columns) instead of √d_{ℓ-1} (fan-in)."""


def xavier_init(layer_sizes, U, C=1.0):
    return [C * u / np.sqrt(layer_sizes[l + 1]) for l, u in enumerate(U)]
