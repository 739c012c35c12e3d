"""tol never consulted: always n_iter Newton steps (right at convergence, wrong whenever tol is loose enough to stop early)."""


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    theta = np.array(theta0, dtype=np.float64)
    for _ in range(n_iter):
        _, g = logistic_objective_grad(theta, X, y, lam)
        if not np.any(g):
            break
        theta = theta - np.linalg.solve(_hessian(theta, X, lam), g)
    return theta
