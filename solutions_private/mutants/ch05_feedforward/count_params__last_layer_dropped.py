"""Off by one over layers: range(1, L) misses the output layer."""


def count_params(layer_sizes):
    L = len(layer_sizes) - 1
    return int(sum((layer_sizes[l - 1] + 1) * layer_sizes[l] for l in range(1, L)))
