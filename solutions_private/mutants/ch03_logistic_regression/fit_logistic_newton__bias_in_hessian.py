"""The bias regularised in 𝓗: λI instead of λ diag(1, ..., 1, 0) (the iterates are no longer Newton's)."""


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    theta = np.array(theta0, dtype=np.float64)
    for _ in range(n_iter):
        _, g = logistic_objective_grad(theta, X, y, lam)
        if np.linalg.norm(g) <= tol:
            break
        p = sigmoid(Xt @ theta)
        H = Xt.T @ (Xt * (p * (1 - p))[:, None]) / M + lam * np.eye(d + 1)
        theta = theta - np.linalg.solve(H, g)
    return theta
