"""Reference solutions for chapter 2 (linear regression). Instructors only."""

from __future__ import annotations

import numpy as np


def _augment(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def least_squares(X: np.ndarray, y: np.ndarray, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    if not fit_intercept:
        w = np.linalg.lstsq(X, y, rcond=None)[0]
        return w, 0.0
    theta = np.linalg.lstsq(_augment(X), y, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def mse_objective_and_grad(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    M = X.shape[0]
    w, b = theta[:-1], theta[-1]
    r = y - X @ w - b
    loss = float(r @ r) / (2 * M)
    grad = np.concatenate([-(X.T @ r) / M, [-r.sum() / M]])
    return loss, grad


def gd_least_squares(X: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    out = np.empty((n_steps + 1, theta0.shape[0]))
    theta = np.array(theta0, dtype=np.float64)
    out[0] = theta
    for k in range(n_steps):
        _, grad = mse_objective_and_grad(theta, X, y)
        theta = theta - lr * grad
        out[k + 1] = theta
    return out


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    M, d = X.shape
    xbar, ybar = X.mean(axis=0), y.mean()
    Xc, yc = X - xbar, y - ybar
    w = np.linalg.solve(Xc.T @ Xc / M + lam * np.eye(d), Xc.T @ yc / M)
    return w, float(ybar - xbar @ w)


def poly_design(x: np.ndarray, degree: int) -> np.ndarray:
    return np.vander(x, degree + 1, increasing=True).astype(np.float64)


def train_test_curve(x_tr, y_tr, x_te, y_te, degrees: list[int]) -> tuple[np.ndarray, np.ndarray]:
    train, test = [], []
    for p in degrees:
        theta = np.linalg.lstsq(poly_design(x_tr, p), y_tr, rcond=None)[0]
        train.append(np.mean((y_tr - poly_design(x_tr, p) @ theta) ** 2))
        test.append(np.mean((y_te - poly_design(x_te, p) @ theta) ** 2))
    return np.array(train), np.array(test)
