"""Penalty scaled by the full M instead of the fold's n_tr: (X_trᵀX_tr + Mλ I) w = X_trᵀ y_tr."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M, d = X.shape
    sse = np.zeros(len(lams))
    for fold in np.array_split(perm, K):
        train = np.ones(M, dtype=bool)
        train[fold] = False
        X_tr, y_tr = X[train], y[train]
        for j, lam in enumerate(lams):
            w = np.linalg.solve(X_tr.T @ X_tr + M * lam * np.eye(d), X_tr.T @ y_tr)
            sse[j] += np.sum((y[fold] - X[fold] @ w) ** 2)
    cv = sse / M
    return cv, float(lams[np.argmin(cv)])
