"""Columns filled by nested loops over i < j into a preallocated array."""

import math


def poly2_features(X, c):
    n, d = X.shape
    F = np.empty((n, (d + 1) * (d + 2) // 2))
    col = 0
    for i in range(d):
        F[:, col] = X[:, i] * X[:, i]
        col += 1
    for i in range(d):
        for j in range(i + 1, d):
            F[:, col] = math.sqrt(2.0) * X[:, i] * X[:, j]
            col += 1
    for i in range(d):
        F[:, col] = math.sqrt(2.0 * c) * X[:, i]
        col += 1
    F[:, col] = c
    return F
