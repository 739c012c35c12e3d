"""Reference solutions for chapter 3 (logistic regression). Instructors only."""

from __future__ import annotations

import numpy as np


def _softplus(u: np.ndarray) -> np.ndarray:
    """log(1 + e^u) without overflow: max(u, 0) + log1p(e^{-|u|})."""
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def sigmoid(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    # For y in {0, 1}: softplus(z) - y z = softplus((1 - 2y) z), which keeps full
    # relative accuracy when the loss is tiny (no cancellation of softplus(z) and z).
    z = np.asarray(z, dtype=np.float64)
    return _softplus((1.0 - 2.0 * y) * z)


def _split(theta: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    w, b = theta[:-1], theta[-1]
    return w, b, X @ w + b


def logistic_objective_grad(theta: np.ndarray, X: np.ndarray, y: np.ndarray, lam: float = 0.0) -> tuple[float, np.ndarray]:
    M = X.shape[0]
    w, _, z = _split(theta, X)
    loss = float(np.mean(logistic_loss(z, y)) + 0.5 * lam * (w @ w))
    r = sigmoid(z) - y
    grad = np.concatenate([X.T @ r / M + lam * w, [r.mean()]])
    return loss, grad


def _hessian(theta: np.ndarray, X: np.ndarray, lam: float) -> np.ndarray:
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    p = sigmoid(Xt @ theta)
    H = (Xt * (p * (1.0 - p))[:, None]).T @ Xt / M
    H[np.arange(d), np.arange(d)] += lam  # the bias (last coordinate) is not penalised
    return H


def fit_logistic_newton(X: np.ndarray, y: np.ndarray, lam: float, theta0: np.ndarray, n_iter: int = 50, tol: float = 1e-12) -> np.ndarray:
    theta = np.array(theta0, dtype=np.float64)
    for _ in range(n_iter):
        _, g = logistic_objective_grad(theta, X, y, lam)
        if np.linalg.norm(g) <= tol:
            break
        theta = theta - np.linalg.solve(_hessian(theta, X, lam), g)
    return theta


def fit_logistic_gd(X: np.ndarray, y: np.ndarray, lam: float, theta0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    M, d = X.shape
    Xt = np.column_stack([X, np.ones(M)])
    penalty = np.append(np.full(d, lam), 0.0)  # λ on w, nothing on b
    out = np.empty((n_steps + 1, d + 1))
    theta = np.array(theta0, dtype=np.float64)
    out[0] = theta
    for k in range(n_steps):
        grad = Xt.T @ (sigmoid(Xt @ theta) - y) / M + penalty * theta
        theta = theta - lr * grad
        out[k + 1] = theta
    return out


def softmax_ce_and_grad(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    M = X.shape[0]
    Z = X @ W.T + b  # (M, K) logits, one row per sample
    Z = Z - Z.max(axis=1, keepdims=True)  # the shift cancels in the softmax
    logsumexp = np.log(np.exp(Z).sum(axis=1))
    rows = np.arange(M)
    loss = float(np.mean(logsumexp - Z[rows, y]))
    P = np.exp(Z - logsumexp[:, None])
    P[rows, y] -= 1.0  # P - E_y
    return loss, P.T @ X / M, P.mean(axis=0)
