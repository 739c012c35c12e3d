"""The regulariser on the bias too: (λ/2)(‖w‖² + b²), so g_b gets λ b."""


def svm_objective_grad(w, b, X, y, lam):
    M = X.shape[0]
    u = y * (X @ w + b)
    ya = np.where(u < 1.0, y, 0).astype(np.float64)
    loss = 0.5 * lam * (float(w @ w) + b * b) + float(np.maximum(0.0, 1.0 - u).sum()) / M
    return loss, lam * w - X.T @ ya / M, lam * b - float(ya.sum()) / M
