"""Labels taken to be {0, 1} and mapped to ±1 by 2y - 1: a label -1 becomes -3."""


def svm_objective_grad(w, b, X, y, lam):
    M = X.shape[0]
    s = 2 * y - 1
    u = s * (X @ w + b)
    sa = np.where(u < 1.0, s, 0).astype(np.float64)
    return 0.5 * lam * float(w @ w) + float(np.maximum(0.0, 1.0 - u).sum()) / M, lam * w - X.T @ sa / M, -float(sa.sum()) / M
