"""fit_intercept ignored: the column of ones is always appended and the fitted b returned."""


def least_squares(X, y, fit_intercept=True):
    theta = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    return theta[:-1], float(theta[-1])
