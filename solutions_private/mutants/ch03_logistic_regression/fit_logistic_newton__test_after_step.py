"""The stopping test ‖∇Λ‖ ≤ tol made AFTER each step instead of before it: one Newton step too many, and θ_0 never returned as it is."""


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    theta = np.array(theta0, dtype=np.float64)
    for _ in range(n_iter):
        _, g = logistic_objective_grad(theta, X, y, lam)
        if not np.any(g):
            break
        theta = theta - np.linalg.solve(_hessian(theta, X, lam), g)
        if np.linalg.norm(logistic_objective_grad(theta, X, y, lam)[1]) <= tol:
            break
    return theta
