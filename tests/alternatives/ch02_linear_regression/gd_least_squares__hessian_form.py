"""Precomputes H = X̃ᵀX̃/M and c = X̃ᵀy/M and iterates θ ← θ - η(Hθ - c); rows appended as fresh arrays and stacked."""


def gd_least_squares(X, y, theta0, lr, n_steps):
    M = X.shape[0]
    Xt = np.column_stack([X, np.ones(M)])
    H = Xt.T @ Xt / M
    c = Xt.T @ y / M
    rows = [np.array(theta0, dtype=float)]
    for _ in range(n_steps):
        rows.append(rows[-1] - lr * (H @ rows[-1] - c))
    return np.vstack(rows)
