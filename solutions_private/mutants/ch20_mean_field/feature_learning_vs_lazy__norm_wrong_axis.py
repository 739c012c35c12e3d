"""Norms over axis 1 (the coordinates of an (N, d) array) instead of the last axis: wrong for batches (R, N, d)."""


def relative_movement(W0, WT):
    return float(np.mean(np.linalg.norm(WT - W0, axis=1)) / np.mean(np.linalg.norm(W0, axis=1)))
