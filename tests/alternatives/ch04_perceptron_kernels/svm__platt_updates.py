"""Masks and einsum for Λ; Pegasos with the factor (t-1)/t; the dual by SMO written as in Platt (1998): errors E = f(x) - y, the second multiplier updated by y_j(E_i - E_j)/η and clipped to [L, H], the first one following; values within rounding of a bound snapped onto it; b from the free support vectors by their median."""


def svm_objective_grad(w, b, X, y, lam):
    yf = y.astype(np.float64)
    u = yf * (np.einsum("md,d->m", X, w) + b)
    act = u < 1.0
    M = len(yf)
    loss = 0.5 * lam * float(np.dot(w, w)) + float(np.sum((1.0 - u)[act])) / M
    return loss, lam * w - np.einsum("md,m->d", X[act], yf[act]) / M, -float(yf[act].sum()) / M


def pegasos(X, y, lam, idx):
    T, d = len(idx), X.shape[1]
    out = np.zeros((T + 1, d))
    w = np.zeros(d)
    for t in range(1, T + 1):
        i = int(idx[t - 1])
        active = y[i] * np.dot(w, X[i]) < 1.0
        w = w * ((t - 1) / t)
        if active:
            w = w + (y[i] / (lam * t)) * X[i]
        out[t] = w
    return out


def svm_dual_fit(K, y, lam, tol=1e-10, max_iter=100000):
    M = len(y)
    C = 1.0 / (lam * M)
    s = y.astype(np.float64)
    a = np.zeros(M)
    g = np.zeros(M)  # g = K (α ⊙ y), the decision values without b
    for _ in range(max_iter):
        E = g - s  # errors up to the common b, which cancels in E_i - E_j
        up = ((a < C) & (s > 0)) | ((a > 0) & (s < 0))
        low = ((a < C) & (s < 0)) | ((a > 0) & (s > 0))
        i = int(np.argmin(np.where(up, E, np.inf)))  # -y G = -E: the maximal violating pair
        j = int(np.argmax(np.where(low, E, -np.inf)))
        if E[j] - E[i] <= tol:
            break
        if s[i] == s[j]:
            L, H = max(0.0, a[i] + a[j] - C), min(C, a[i] + a[j])
        else:
            L, H = max(0.0, a[j] - a[i]), min(C, C + a[j] - a[i])
        eta = max(K[i, i] + K[j, j] - 2.0 * K[i, j], 1e-12)
        aj = min(max(a[j] + s[j] * (E[i] - E[j]) / eta, L), H)
        ai = min(max(a[i] + s[i] * s[j] * (a[j] - aj), 0.0), C)
        # snap values within rounding of a bound onto it: L and H computed from sums lose an α of
        # 1e-18, and the pair would then be selected again and again without moving
        ai, aj = (0.0 if v < 1e-12 * C else C if v > C * (1 - 1e-12) else v for v in (ai, aj))
        g += (ai - a[i]) * s[i] * K[:, i] + (aj - a[j]) * s[j] * K[:, j]
        a[i], a[j] = ai, aj
    r = s - g  # y_t - Σ α y K: the b that puts x_t on the margin
    free = (a > 0) & (a < C)
    if free.any():
        return a, float(np.median(r[free]))
    up = ((a < C) & (s > 0)) | ((a > 0) & (s < 0))
    low = ((a < C) & (s < 0)) | ((a > 0) & (s > 0))
    return a, 0.5 * float(r[up].max() + r[low].min())
