"""np.linalg.pinv of the design built column by column in a Python loop; θ = pinv(X̃) y accumulated with an explicit loop over samples."""


def least_squares(X, y, fit_intercept=True):
    M, d = X.shape
    cols = [X[:, j] for j in range(d)]
    if fit_intercept:
        cols.append(np.ones(M))
    P = np.linalg.pinv(np.stack(cols, axis=1))
    theta = np.zeros(P.shape[0])
    for m in range(M):
        theta += P[:, m] * y[m]
    if fit_intercept:
        return theta[:d].copy(), float(theta[d])
    return theta, 0.0
