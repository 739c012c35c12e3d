"""Reference solutions for chapter 4 (perceptron and kernels). Instructors only."""

from __future__ import annotations

import numpy as np


def perceptron(X: np.ndarray, y: np.ndarray, order: np.ndarray, max_epochs: int = 1000) -> tuple[np.ndarray, np.ndarray, int]:
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    w = np.zeros(d + 1)
    alpha = np.zeros(M, dtype=np.int64)
    for epoch in range(1, max_epochs + 1):
        clean = True
        for m in order:
            if y[m] * (w @ Xt[m]) <= 0:  # a mistake (w = 0 counts as one)
                w = w + y[m] * Xt[m]
                alpha[m] += 1
                clean = False
        if clean:
            return w, alpha, epoch
    return w, alpha, max_epochs


def _sqdist(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    # direct differences: exact zeros on coincident points, no cancellation far from 0
    diff = A[:, None, :] - B[None, :, :]
    return np.einsum("nmk,nmk->nm", diff, diff)


def kernel_matrix(A: np.ndarray, B: np.ndarray, kind: str, bandwidth: float = 1.0, degree: int = 2, c: float = 1.0) -> np.ndarray:
    if kind == "rbf":
        return np.exp(-_sqdist(A, B) / (2.0 * bandwidth**2))
    if kind == "poly":
        return (A @ B.T + c) ** degree
    if kind == "linear":
        return A @ B.T
    raise ValueError(f"unknown kernel kind {kind!r}: use 'rbf', 'poly' or 'linear'")


def kernel_perceptron(K: np.ndarray, y: np.ndarray, order: np.ndarray, max_epochs: int = 1000) -> np.ndarray:
    alpha = np.zeros(K.shape[0], dtype=np.int64)
    for _ in range(max_epochs):
        clean = True
        for m in order:
            f = (alpha * y) @ K[:, m]  # f(x_m) = Σ_j α_j y_j k(x_j, x_m)
            if y[m] * f <= 0:
                alpha[m] += 1
                clean = False
        if clean:
            break
    return alpha


def kernel_perceptron_predict(alpha: np.ndarray, y: np.ndarray, K_test_train: np.ndarray) -> np.ndarray:
    f = K_test_train @ (alpha * y)
    return np.where(f > 0, 1, -1).astype(np.int64)


def poly2_features(X: np.ndarray, c: float) -> np.ndarray:
    n, d = X.shape
    i, j = np.triu_indices(d, k=1)  # pairs i < j in row-major order
    return np.column_stack([X**2, np.sqrt(2.0) * X[:, i] * X[:, j], np.sqrt(2.0 * c) * X, np.full(n, float(c))])


def kernel_ridge_fit(K: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    M = K.shape[0]
    return np.linalg.solve(K + M * lam * np.eye(M), y)


def kernel_ridge_predict(alpha: np.ndarray, K_test_train: np.ndarray) -> np.ndarray:
    return K_test_train @ alpha


def svm_objective_grad(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, lam: float) -> tuple[float, np.ndarray, float]:
    M = X.shape[0]
    u = y * (X @ w + b)  # margins
    active = u < 1.0  # the hinge's sloped side; at the kink u = 1 the subgradient 0 is taken
    ya = np.where(active, y, 0).astype(np.float64)
    loss = 0.5 * lam * float(w @ w) + float(np.maximum(0.0, 1.0 - u).sum()) / M
    return loss, lam * w - X.T @ ya / M, -float(ya.sum()) / M


def pegasos(X: np.ndarray, y: np.ndarray, lam: float, idx: np.ndarray) -> np.ndarray:
    T, d = len(idx), X.shape[1]
    out = np.zeros((T + 1, d))
    w = np.zeros(d)
    for t in range(1, T + 1):
        i = idx[t - 1]
        eta = 1.0 / (lam * t)
        hit = y[i] * (w @ X[i]) < 1.0  # tested at the current w, before it changes
        w = (1.0 - eta * lam) * w
        if hit:
            w = w + eta * y[i] * X[i]
        out[t] = w
    return out


def svm_dual_fit(K: np.ndarray, y: np.ndarray, lam: float, tol: float = 1e-10, max_iter: int = 100000) -> tuple[np.ndarray, float]:
    # SMO with the maximal violating pair (Keerthi et al. 2001), on the dual in minimisation form
    # min ½ αᵀQα - Σα, Q = (y yᵀ) ⊙ K, 0 ≤ α ≤ C = 1/(λM), yᵀα = 0; G = Qα - 1 is its gradient.
    M = len(y)
    C = 1.0 / (lam * M)
    s = y.astype(np.float64)
    Q = K * np.outer(s, s)
    alpha = np.zeros(M)
    G = -np.ones(M)

    def sets():
        up = ((alpha < C) & (s > 0)) | ((alpha > 0) & (s < 0))  # α_t y_t may increase
        low = ((alpha < C) & (s < 0)) | ((alpha > 0) & (s > 0))  # α_t y_t may decrease
        return up, low

    for _ in range(max_iter):
        up, low = sets()
        score = -s * G
        i = int(np.argmax(np.where(up, score, -np.inf)))
        j = int(np.argmin(np.where(low, score, np.inf)))
        if score[i] - score[j] <= tol:
            break
        curvature = max(Q[i, i] + Q[j, j] - 2.0 * s[i] * s[j] * Q[i, j], 1e-12)
        step = (score[i] - score[j]) / curvature  # along α_i += y_i t, α_j -= y_j t (keeps yᵀα)
        step = min(step, C - alpha[i] if s[i] > 0 else alpha[i], alpha[j] if s[j] > 0 else C - alpha[j])
        di, dj = s[i] * step, -s[j] * step
        alpha[i] = min(max(alpha[i] + di, 0.0), C)
        alpha[j] = min(max(alpha[j] + dj, 0.0), C)
        G += Q[:, i] * di + Q[:, j] * dj
    score = -s * G
    free = (alpha > 0) & (alpha < C)
    if free.any():  # y_t f(x_t) = 1 on the free support vectors: b = y_t - Σ α y K
        b = float(score[free].mean())
    else:  # any b between the two KKT bounds is optimal: take the middle
        up, low = sets()
        b = 0.5 * (float(score[up].max(initial=-np.inf)) + float(score[low].min(initial=np.inf)))
    return alpha, b
