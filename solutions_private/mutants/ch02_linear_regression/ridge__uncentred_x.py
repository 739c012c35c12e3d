"""y centred but X not: the intercept's direction leaks into w."""


def ridge(X, y, lam):
    M, d = X.shape
    xbar, ybar = X.mean(axis=0), y.mean()
    w = np.linalg.solve(X.T @ X / M + lam * np.eye(d), X.T @ (y - ybar) / M)
    return w, float(ybar - xbar @ w)
