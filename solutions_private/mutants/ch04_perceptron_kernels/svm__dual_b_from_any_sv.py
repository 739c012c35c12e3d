"""b = y_t - Σ α y K from ANY support vector (α_t > 0), bound ones (α_t = C, where y_t f(x_t) ≤ 1 only) included."""

_svm_dual_fit_ref = svm_dual_fit


def svm_dual_fit(K, y, lam, tol=1e-10, max_iter=100000):
    alpha, _ = _svm_dual_fit_ref(K, y, lam, tol, max_iter)
    g = K @ (alpha * y)
    sv = np.flatnonzero(alpha > 0)
    return alpha, float(np.mean(y[sv] - g[sv]))
