"""Averages the K per-fold mean errors instead of pooling all M held-out residuals."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M, d = X.shape
    per_fold = []
    for fold in np.array_split(perm, K):
        train = np.ones(M, dtype=bool)
        train[fold] = False
        X_tr, y_tr = X[train], y[train]
        n_tr = len(y_tr)
        errs = []
        for lam in lams:
            w = np.linalg.solve(X_tr.T @ X_tr / n_tr + lam * np.eye(d), X_tr.T @ y_tr / n_tr)
            errs.append(np.mean((y[fold] - X[fold] @ w) ** 2))
        per_fold.append(errs)
    cv = np.mean(per_fold, axis=0)
    return cv, float(lams[np.argmin(cv)])
