"""Reference solutions for chapter 7 (basics on stochastic gradient descent). Instructors only."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def sgd(
    grad_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    theta0: np.ndarray,
    batches: list[np.ndarray],
    lr: Callable[[int], float],
) -> np.ndarray:
    theta = np.array(theta0, dtype=np.float64)
    out = np.empty((len(batches) + 1, theta.shape[0]))
    out[0] = theta
    for k, batch in enumerate(batches):
        theta = theta - lr(k) * np.asarray(grad_fn(theta, batch), dtype=np.float64)
        out[k + 1] = theta
    return out


def minibatch_grad(theta: np.ndarray, X: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    Xb, yb = X[idx], y[idx]  # fancy indexing keeps repeated indices
    r = Xb @ theta - yb
    return Xb.T @ r / len(idx)


def sgd_quadratic_noise(theta0: float, lam: float, alpha: float, xi: np.ndarray) -> np.ndarray:
    R, K = xi.shape
    steps = np.ascontiguousarray(xi.T)  # step-major, so each step touches contiguous memory
    out = np.empty((K + 1, R))
    out[0] = theta0
    for k in range(K):
        out[k + 1] = out[k] - alpha * (lam * out[k] + steps[k])
    return np.ascontiguousarray(out.T)


def epoch_batches(perm: np.ndarray, batch_size: int, drop_last: bool = False) -> list[np.ndarray]:
    M = len(perm)
    stop = (M // batch_size) * batch_size if drop_last else M
    return [perm[i : min(i + batch_size, stop)] for i in range(0, stop, batch_size)]
