"""The hinge at the wrong margin: max(0, -y(w·x + b)) (the perceptron's loss), active when the margin is below 0 instead of 1."""


def svm_objective_grad(w, b, X, y, lam):
    M = X.shape[0]
    u = y * (X @ w + b)
    ya = np.where(u < 0.0, y, 0).astype(np.float64)
    return 0.5 * lam * float(w @ w) + float(np.maximum(0.0, -u).sum()) / M, lam * w - X.T @ ya / M, -float(ya.sum()) / M
