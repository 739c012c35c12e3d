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
