"""Newton with a Cholesky factorisation of 𝓗 (two triangular solves); gradient descent with w and b updated as separate variables."""


def _sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _grad_hess(theta, X, y, lam):
    M, d = X.shape
    w, b = theta[:d], theta[d]
    p = _sig(X @ w + b)
    r = p - y
    g = np.append(X.T @ r / M + lam * w, r.sum() / M)
    s = p * (1.0 - p)
    H = np.empty((d + 1, d + 1))
    H[:d, :d] = (X * s[:, None]).T @ X / M + lam * np.eye(d)
    H[:d, d] = H[d, :d] = X.T @ s / M
    H[d, d] = s.sum() / M
    return g, H


def fit_logistic_newton(X, y, lam, theta0, n_iter=50, tol=1e-12):
    theta = np.array(theta0, dtype=np.float64)
    k = 0
    while k < n_iter:
        g, H = _grad_hess(theta, X, y, lam)
        if np.sqrt(g @ g) <= tol:
            break
        L = np.linalg.cholesky(H)
        theta = theta - np.linalg.solve(L.T, np.linalg.solve(L, g))
        k += 1
    return theta


def fit_logistic_gd(X, y, lam, theta0, lr, n_steps):
    M, d = X.shape
    w, b = np.array(theta0[:d], dtype=float), float(theta0[d])
    out = np.zeros((n_steps + 1, d + 1))
    out[0] = theta0
    for k in range(n_steps):
        r = _sig(X @ w + b) - y
        w, b = w - lr * (X.T @ r / M + lam * w), b - lr * r.mean()
        out[k + 1, :d], out[k + 1, d] = w, b
    return out
