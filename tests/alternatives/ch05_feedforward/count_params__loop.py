"""An explicit loop over consecutive pairs of widths, weights and biases counted separately."""


def count_params(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i]  # W^i
        total += layer_sizes[i]  # B^i
    return int(total)
