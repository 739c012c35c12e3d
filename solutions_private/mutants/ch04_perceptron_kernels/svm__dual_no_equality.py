"""The dual without its equality constraint Σ y α = 0 (projected coordinate ascent in the box only) and b = 0: the SVM without a bias."""


def svm_dual_fit(K, y, lam, tol=1e-10, max_iter=100000):
    M = len(y)
    C = 1.0 / (lam * M)
    s = y.astype(np.float64)
    Q = K * np.outer(s, s)
    alpha = np.zeros(M)
    for _ in range(max_iter):
        biggest = 0.0
        for t in range(M):
            g = Q[t] @ alpha - 1.0
            new = min(max(alpha[t] - g / max(Q[t, t], 1e-12), 0.0), C)
            biggest = max(biggest, abs(new - alpha[t]))
            alpha[t] = new
        if biggest <= tol:
            break
    return alpha, 0.0
