"""jacobian_reverse probes once for n: vjp(0) first, so m + 1 VJPs instead of m."""


def jacobian_reverse(vjp, m):
    n = np.asarray(vjp(np.zeros(m))).shape[0]
    J = np.zeros((m, n))
    for i, e in enumerate(np.eye(m)):
        J[i] = vjp(e)
    return J
