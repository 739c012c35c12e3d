"""Each ridge fit as a least-squares problem on the augmented system [X_T; sqrt(n_k λ) I] w ≈ [y_T; 0] (np.linalg.lstsq)."""


def kfold_cv_ridge(X, y, lams, perm, K):
    M, d = X.shape
    lams = np.asarray(lams, dtype=np.float64)
    cv = np.zeros(len(lams))
    for fold in np.array_split(np.asarray(perm), K):
        keep = np.setdiff1d(np.arange(M), fold)
        Xt, yt = X[keep], y[keep]
        n_k = len(keep)
        for j, lam in enumerate(lams):
            A = np.vstack([Xt, np.sqrt(n_k * lam) * np.eye(d)])
            w = np.linalg.lstsq(A, np.concatenate([yt, np.zeros(d)]), rcond=None)[0]
            cv[j] += np.sum((y[fold] - X[fold] @ w) ** 2)
    cv /= M
    return cv, float(lams[int(np.argmin(cv))])
