"""Biases forgotten: Σ d_{ℓ-1} d_ℓ."""


def count_params(layer_sizes):
    return int(sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))
