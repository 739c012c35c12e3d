"""Intercept forgotten: no column of ones, b returned as 0 (catalog bug 1)."""


def least_squares(X, y, fit_intercept=True):
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    return w, 0.0
