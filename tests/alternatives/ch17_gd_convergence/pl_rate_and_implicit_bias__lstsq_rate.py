"""Preallocated arrays filled in place; the rate by np.linalg.lstsq on the design [1, k]."""


def gd_ls_trajectory(X, y, theta0, lr, n_steps):
    M, d = X.shape
    thetas = np.zeros((n_steps + 1, d))
    fvals = np.zeros(n_steps + 1)
    thetas[0] = theta0
    for k in range(n_steps + 1):
        r = X @ thetas[k] - y
        fvals[k] = 0.5 * np.mean(r**2)
        if k < n_steps:
            thetas[k + 1] = thetas[k] - lr * np.mean(X * r[:, None], axis=0)
    return thetas, fvals


def empirical_rate(fvals, fstar, start, stop):
    k = np.arange(start, stop, dtype=np.float64)
    A = np.column_stack([np.ones_like(k), k])
    coef = np.linalg.lstsq(A, np.log(fvals[start:stop] - fstar), rcond=None)[0]
    return float(np.exp(coef[1]))
