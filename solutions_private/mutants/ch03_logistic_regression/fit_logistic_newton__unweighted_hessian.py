"""Hessian without the p(1-p) weights: 𝓗 = X̃ᵀX̃/M + λD, a fixed matrix (not Newton)."""


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    H = Xt.T @ Xt / M + lam * np.diag(np.append(np.ones(d), 0.0))
    theta = np.array(theta0, dtype=np.float64)
    for _ in range(n_iter):
        _, g = logistic_objective_grad(theta, X, y, lam)
        if np.linalg.norm(g) <= tol:
            break
        theta = theta - np.linalg.solve(H, g)
    return theta
