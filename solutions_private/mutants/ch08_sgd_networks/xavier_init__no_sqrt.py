"""Dividing by d_{ℓ-1} instead of √d_{ℓ-1}."""


def xavier_init(layer_sizes, U, C=1.0):
    return [C * u / layer_sizes[l] for l, u in enumerate(U)]
