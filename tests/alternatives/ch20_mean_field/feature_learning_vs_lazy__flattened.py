"""Flattens all particles to rows of a (P, d) matrix and averages the square roots of row sums of squares."""


def relative_movement(W0, WT):
    d = W0.shape[-1]
    A, B = W0.reshape(-1, d), WT.reshape(-1, d)
    return float(np.sqrt(((B - A) ** 2).sum(axis=1)).sum() / np.sqrt((A**2).sum(axis=1)).sum())
