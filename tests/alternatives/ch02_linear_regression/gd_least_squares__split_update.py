"""w and b kept as separate variables, residual recomputed from them at each step, written into a preallocated array."""


def gd_least_squares(X, y, theta0, lr, n_steps):
    M, d = X.shape
    w = np.array(theta0[:d], dtype=float)
    b = float(theta0[d])
    out = np.zeros((n_steps + 1, d + 1))
    out[0, :d], out[0, d] = w, b
    for k in range(1, n_steps + 1):
        r = y - (X @ w + b)
        w = w + lr * (X.T @ r) / M
        b = b + lr * r.mean()
        out[k, :d], out[k, d] = w, b
    return out
