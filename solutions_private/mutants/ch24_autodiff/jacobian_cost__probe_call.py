"""An extra probing call: jvp(0) first, to find m, so n + 1 JVPs instead of n."""


def jacobian_forward(jvp, n):
    m = np.asarray(jvp(np.zeros(n))).shape[0]
    J = np.zeros((m, n))
    for j, e in enumerate(np.eye(n)):
        J[:, j] = jvp(e)
    return J
