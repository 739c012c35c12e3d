"""The eigenvalue of an empirical NTK of a random width-100 network instead of the limit kernel."""


def min_eig_limit_kernel(X, act):
    rng = np.random.default_rng(0)
    c, W = rng.standard_normal(100), rng.standard_normal((100, X.shape[1]))
    K = empirical_ntk(c, W, X, X, act)
    return float(np.linalg.eigvalsh(0.5 * (K + K.T))[0])
