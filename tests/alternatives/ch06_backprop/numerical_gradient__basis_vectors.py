"""Perturbations θ ± h e_i built from a fresh basis array e_i for each coordinate; all plus-values first, then all minus-values; relative_error from np.vdot."""


def numerical_gradient(f, theta, h=1e-6):
    base = np.array(theta, dtype=np.float64)
    n = base.size
    plus, minus = np.empty(n), np.empty(n)
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        plus[i] = f(base + e.reshape(base.shape))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        minus[i] = f(base - e.reshape(base.shape))
    return ((plus - minus) / (2.0 * h)).reshape(base.shape)


def relative_error(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    d = a - b
    return float(np.sqrt(np.vdot(d, d)) / max(np.sqrt(np.vdot(a, a)) + np.sqrt(np.vdot(b, b)), 1e-300))
