"""Early stopping on |ΔΛ| < tol, keeping the iterate before the step: ‖∇Λ‖ is still about √tol."""


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    theta = np.array(theta0, dtype=np.float64)
    loss, g = logistic_objective_grad(theta, X, y, lam)
    for _ in range(n_iter):
        new = theta - np.linalg.solve(_hessian(theta, X, lam), g)
        new_loss, new_g = logistic_objective_grad(new, X, y, lam)
        if abs(loss - new_loss) < tol:
            break
        theta, loss, g = new, new_loss, new_g
    return theta
