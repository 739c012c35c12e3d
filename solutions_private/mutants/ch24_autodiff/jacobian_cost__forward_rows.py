"""The columns J e_j from the JVPs stacked as rows: Jᵀ of shape (n, m) returned."""


def jacobian_forward(jvp, n):
    return np.array([np.asarray(jvp(e), dtype=np.float64) for e in np.eye(n)])
