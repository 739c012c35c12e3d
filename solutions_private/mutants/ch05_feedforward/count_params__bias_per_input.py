"""One bias per input unit instead of per output unit: (d_{ℓ-1}) d_ℓ + d_{ℓ-1}."""


def count_params(layer_sizes):
    return int(sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:])))
