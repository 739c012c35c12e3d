"""inv(X̃ᵀX̃) X̃ᵀ y: wrong or a LinAlgError on rank-deficient data (catalog bug 3)."""


def least_squares(X, y, fit_intercept=True):
    Xt = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    theta = np.linalg.inv(Xt.T @ Xt) @ Xt.T @ y
    if not fit_intercept:
        return theta, 0.0
    return theta[:-1], float(theta[-1])
