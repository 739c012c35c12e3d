"""J preallocated after the first call and filled one column (one row) at a
time; unit vectors built by hand."""

import numpy as np


def jacobian_forward(jvp, n):
    J = None
    for j in range(n):
        e = np.zeros(n)
        e[j] = 1.0
        col = np.asarray(jvp(e), dtype=np.float64)
        if J is None:
            J = np.empty((col.shape[0], n))
        J[:, j] = col
    return J


def jacobian_reverse(vjp, m):
    J = None
    for i in range(m):
        e = np.zeros(m)
        e[i] = 1.0
        row = np.asarray(vjp(e), dtype=np.float64)
        if J is None:
            J = np.empty((m, row.shape[0]))
        J[i] = row
    return J
