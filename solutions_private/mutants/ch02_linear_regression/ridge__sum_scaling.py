"""sklearn-style scaling: λ added to XcᵀXc instead of XcᵀXc / M (off by a factor M)."""


def ridge(X, y, lam):
    M, d = X.shape
    xbar, ybar = X.mean(axis=0), y.mean()
    Xc, yc = X - xbar, y - ybar
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(d), Xc.T @ yc)
    return w, float(ybar - xbar @ w)
