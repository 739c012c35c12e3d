"""No centring: solves the (d+1)×(d+1) normal equations of the augmented design with λ on the w-block only."""


def ridge(X, y, lam):
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    P = np.diag(np.append(np.full(d, lam), 0.0))
    theta = np.linalg.solve(Xt.T @ Xt / M + P, Xt.T @ y / M)
    return theta[:d], float(theta[d])
