"""Reference solutions for chapter 18 (convergence analysis of SGD). Instructors only."""

from __future__ import annotations

import numpy as np


# -- ch18.robbins_monro_rate ------------------------------------------------------------


def sgd_decaying(theta0: float, lam: float, a: float, k0: float, xi: np.ndarray) -> np.ndarray:
    R, K = xi.shape
    out = np.empty((R, K + 1))
    theta = np.full(R, float(theta0))
    out[:, 0] = theta
    for k in range(K):
        alpha = a / (k + k0)
        theta = theta - alpha * (lam * theta + xi[:, k])
        out[:, k + 1] = theta
    return out


# -- ch18.minibatch_variance ------------------------------------------------------------


def minibatch_grad_cov(G: np.ndarray, B: int, replace: bool) -> np.ndarray:
    M = G.shape[0]
    if not replace and B > M:
        raise ValueError(f"cannot draw B = {B} distinct samples from M = {M}")
    D = G - G.mean(axis=0)
    sigma = D.T @ D / M  # population covariance (ddof = 0)
    if replace:
        return sigma / B
    if M == 1:
        return np.zeros_like(sigma)
    return sigma / B * (M - B) / (M - 1)


# -- ch18.polyak_averaging --------------------------------------------------------------


def averaged_iterates(thetas: np.ndarray) -> np.ndarray:
    thetas = np.asarray(thetas, dtype=np.float64)
    K = thetas.shape[1] - 1
    return np.cumsum(thetas[:, 1:], axis=1) / np.arange(1, K + 1)


# -- ch18.interpolation_regime ----------------------------------------------------------


def sgd_least_squares(X: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, idx_seq: np.ndarray) -> np.ndarray:
    K, B = idx_seq.shape
    theta = np.array(theta0, dtype=np.float64)
    out = np.empty((K + 1, theta.shape[0]))
    out[0] = theta
    for k in range(K):
        Xb = X[idx_seq[k]]
        theta = theta - lr * (Xb.T @ (Xb @ theta - y[idx_seq[k]])) / B
        out[k + 1] = theta
    return out
