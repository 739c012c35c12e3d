"""tol never consulted: always n_iter Newton steps (right at convergence, wrong whenever tol is loose enough to stop early)."""

_fit_logistic_newton_ref = fit_logistic_newton


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    return _fit_logistic_newton_ref(X, y, lam, theta0, n_iter, 0.0)
