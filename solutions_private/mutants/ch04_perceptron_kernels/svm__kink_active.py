"""The subgradient at the kink: a margin of exactly 1 counted as active (u ≤ 1), slope -1 instead of the stated 0."""


def svm_objective_grad(w, b, X, y, lam):
    M = X.shape[0]
    u = y * (X @ w + b)
    ya = np.where(u <= 1.0, y, 0).astype(np.float64)
    return 0.5 * lam * float(w @ w) + float(np.maximum(0.0, 1.0 - u).sum()) / M, lam * w - X.T @ ya / M, -float(ya.sum()) / M
