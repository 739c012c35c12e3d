"""Builds both Gram matrices itself (ReLU by the arccos form of the kernel, entry by entry) and takes np.linalg.eigh's smallest eigenvalue."""

import math


def min_eig_limit_kernel(X, act):
    n = X.shape[0]
    A = np.empty((n, n))
    for a in range(n):
        for b in range(n):
            dot = float(X[a] @ X[b])
            if act == "identity":
                A[a, b] = 2.0 * dot
                continue
            na, nb = float(np.linalg.norm(X[a])), float(np.linalg.norm(X[b]))
            if na == 0 or nb == 0:
                A[a, b] = 0.0
                continue
            phi = math.acos(min(1.0, max(-1.0, dot / (na * nb))))
            A[a, b] = (na * nb * (math.sin(phi) + (math.pi - phi) * math.cos(phi)) + (math.pi - phi) * dot) / (2 * math.pi)
    return float(np.linalg.eigh(A)[0][0])
