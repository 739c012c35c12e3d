"""y reshaped to (M, 1): θ comes out as a column and w has shape (d, 1) (catalog bug 2)."""


def least_squares(X, y, fit_intercept=True):
    Xt = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    theta = np.linalg.lstsq(Xt, y.reshape(-1, 1), rcond=None)[0]
    if not fit_intercept:
        return theta, 0.0
    return theta[:-1], float(theta[-1, 0])
