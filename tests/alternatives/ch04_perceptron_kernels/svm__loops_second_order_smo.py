"""Loops over samples for Λ and its subgradient; Pegasos in its unrolled form w_t = S_t/(λt) with a running sum S_t; the dual by SMO with the second-order working-set selection of Fan, Chen and Lin (2005) instead of the maximal violating pair."""


def svm_objective_grad(w, b, X, y, lam):
    M, d = X.shape
    total = 0.0
    gw = lam * np.asarray(w, dtype=np.float64).copy()
    gb = 0.0
    for m in range(M):
        u = float(y[m]) * (float(X[m] @ w) + b)
        if u < 1.0:
            total += 1.0 - u
            gw -= float(y[m]) * X[m] / M
            gb -= float(y[m]) / M
    return 0.5 * lam * float(w @ w) + total / M, gw, gb


def pegasos(X, y, lam, idx):
    d = X.shape[1]
    out = np.zeros((len(idx) + 1, d))
    S = np.zeros(d)  # sum of y_i x_i over the active steps so far
    for t in range(1, len(idx) + 1):
        i = idx[t - 1]
        if y[i] * (out[t - 1] @ X[i]) < 1.0:
            S = S + y[i] * X[i]
        out[t] = S / (lam * t)
    return out


def svm_dual_fit(K, y, lam, tol=1e-10, max_iter=100000):
    M = len(y)
    C = 1.0 / (lam * M)
    s = y.astype(np.float64)
    Q = K * np.outer(s, s)
    a = np.zeros(M)
    G = -np.ones(M)
    for _ in range(max_iter):
        up = ((a < C) & (s > 0)) | ((a > 0) & (s < 0))
        low = ((a < C) & (s < 0)) | ((a > 0) & (s > 0))
        score = -s * G
        i = int(np.argmax(np.where(up, score, -np.inf)))
        if score[i] - np.min(np.where(low, score, np.inf)) <= tol:
            break
        curv = np.maximum(Q[i, i] + np.diag(Q) - 2.0 * s[i] * s * Q[i], 1e-12)
        diff = score[i] - score
        gain = np.where(low & (diff > 0), diff * diff / curv, -np.inf)  # decrease of the objective, unclipped
        j = int(np.argmax(gain))
        step = min(diff[j] / curv[j], C - a[i] if s[i] > 0 else a[i], a[j] if s[j] > 0 else C - a[j])
        di, dj = s[i] * step, -s[j] * step
        a[i] = min(max(a[i] + di, 0.0), C)
        a[j] = min(max(a[j] + dj, 0.0), C)
        G += Q[:, i] * di + Q[:, j] * dj
    score = -s * G
    free = (a > 0) & (a < C)
    if free.any():
        return a, float(np.mean(score[free]))
    up = ((a < C) & (s > 0)) | ((a > 0) & (s < 0))
    low = ((a < C) & (s < 0)) | ((a > 0) & (s > 0))
    return a, 0.5 * float(np.max(score[up]) + np.min(score[low]))
