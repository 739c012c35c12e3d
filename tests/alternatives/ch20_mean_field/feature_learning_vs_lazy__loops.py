"""Loops over the particles with math.hypot (no vectorisation)."""

import math


def relative_movement(W0, WT):
    A, B = np.asarray(W0).reshape(-1, W0.shape[-1]), np.asarray(WT).reshape(-1, W0.shape[-1])
    moved = size = 0.0
    for a, b in zip(A, B):
        moved += math.hypot(*(b - a))
        size += math.hypot(*a)
    return moved / size
