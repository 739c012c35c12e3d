"""The ridge fit in dual form w = X_Tᵀ (X_T X_Tᵀ + n_k λ I)⁻¹ y_T, folds sized by hand (the first M mod K get one more)."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M = X.shape[0]
    base, extra = divmod(M, K)
    sizes = [base + 1 if k < extra else base for k in range(K)]
    sq = np.zeros(len(lams))
    start = 0
    for size in sizes:
        fold = perm[start:start + size]
        start += size
        mask = np.ones(M, dtype=bool)
        mask[fold] = False
        Xt, yt = X[mask], y[mask]
        n_k = Xt.shape[0]
        for j, lam in enumerate(lams):
            alpha = np.linalg.solve(Xt @ Xt.T + n_k * lam * np.eye(n_k), yt)
            r = y[fold] - X[fold] @ (Xt.T @ alpha)
            sq[j] += r @ r
    cv = sq / M
    best = min(range(len(lams)), key=lambda j: (cv[j], j))
    return cv, float(lams[best])
