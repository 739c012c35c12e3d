"""The training set still contains the held-out fold (fits on all M rows)."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M, d = X.shape
    sse = np.zeros(len(lams))
    for fold in np.array_split(perm, K):
        n_tr = M - len(fold)
        for j, lam in enumerate(lams):
            w = np.linalg.solve(X.T @ X / n_tr + lam * np.eye(d), X.T @ y / n_tr)
            sse[j] += np.sum((y[fold] - X[fold] @ w) ** 2)
    cv = sse / M
    return cv, float(lams[np.argmin(cv)])
