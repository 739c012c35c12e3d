"""The intercept penalised too: (X̃ᵀX̃/M + λI)⁻¹ X̃ᵀy/M on the augmented design."""


def ridge(X, y, lam):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    theta = np.linalg.solve(Xt.T @ Xt / M + lam * np.eye(d + 1), Xt.T @ y / M)
    return theta[:-1], float(theta[-1])
