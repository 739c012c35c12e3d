"""Folds cut in chunks of ⌈M/K⌉ (the last one short), not np.array_split: different folds when M mod K ≥ 2."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M, d = X.shape
    size = -(-M // K)
    lams = np.asarray(lams, dtype=np.float64)
    sse = np.zeros(lams.shape[0])
    for start in range(0, M, size):
        fold = perm[start:start + size]
        train = np.ones(M, dtype=bool)
        train[fold] = False
        n_tr = int(train.sum())
        gram, rhs = X[train].T @ X[train] / n_tr, X[train].T @ y[train] / n_tr
        for j, lam in enumerate(lams):
            r = y[fold] - X[fold] @ np.linalg.solve(gram + lam * np.eye(d), rhs)
            sse[j] += r @ r
    cv = sse / M
    return cv, float(lams[np.argmin(cv)])
