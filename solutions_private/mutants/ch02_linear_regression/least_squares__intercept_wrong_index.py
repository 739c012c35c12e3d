"""Ones column prepended but b read from the last entry of θ (catalog bug 1)."""


def least_squares(X, y, fit_intercept=True):
    if not fit_intercept:
        return np.linalg.lstsq(X, y, rcond=None)[0], 0.0
    theta = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]
    return theta[:-1], float(theta[-1])
