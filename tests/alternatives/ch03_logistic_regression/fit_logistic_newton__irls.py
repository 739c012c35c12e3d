"""Newton written as iteratively reweighted least squares: solve (X̃ᵀSX̃/M + λP) θ_new = X̃ᵀS(X̃θ + (y - p)/s)/M, with the working response; gradient descent on the augmented design with a penalty mask."""


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    P = np.diag(np.r_[np.ones(d), 0.0])
    theta = np.asarray(theta0, dtype=float).copy()
    for _ in range(n_iter):
        p = _sigmoid(Xt @ theta)
        grad = Xt.T @ (p - y) / M + lam * (P @ theta)
        if np.linalg.norm(grad) <= tol:
            break
        s = p * (1.0 - p)
        work = Xt @ theta + (y - p) / s
        A = Xt.T @ (s[:, None] * Xt) / M + lam * P
        theta = np.linalg.solve(A, Xt.T @ (s * work) / M)
    return theta


def fit_logistic_gd(X, y, lam, theta0, lr, n_steps):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    mask = np.r_[np.ones(d), 0.0]
    traj = [np.asarray(theta0, dtype=float).copy()]
    for _ in range(n_steps):
        t = traj[-1]
        traj.append(t - lr * (Xt.T @ (_sigmoid(Xt @ t) - y) / M + lam * mask * t))
    return np.array(traj)
