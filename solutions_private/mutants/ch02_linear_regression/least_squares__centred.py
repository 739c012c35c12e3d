"""Centre X and y, fit w alone, b = ȳ - x̄·w: another minimiser, not the minimum-norm (w, b), when the constant lies in the span of X (or M < d + 1)."""


def least_squares(X, y, fit_intercept=True):
    if not fit_intercept:
        return np.linalg.lstsq(X, y, rcond=None)[0], 0.0
    xbar, ybar = X.mean(axis=0), y.mean()
    w = np.linalg.lstsq(X - xbar, y - ybar, rcond=None)[0]
    return w, float(ybar - xbar @ w)
