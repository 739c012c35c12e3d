"""Biases counted for every layer including the input layer: Σ_ℓ d_{ℓ-1} d_ℓ + Σ_{ℓ=0}^{L} d_ℓ."""


def count_params(layer_sizes):
    return int(sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:])) + sum(layer_sizes))
