"""Reference solutions for chapter 17 (convergence analysis of gradient descent). Instructors only."""

from __future__ import annotations

import numpy as np


# -- ch17.gd_quadratic_rate -------------------------------------------------------------


def gd_quadratic(A: np.ndarray, b: np.ndarray, theta0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    theta = np.array(theta0, dtype=np.float64)
    out = np.empty((n_steps + 1, theta.shape[0]))
    out[0] = theta
    for k in range(n_steps):
        theta = theta - lr * (A @ theta - b)
        out[k + 1] = theta
    return out


def contraction_factor(mu: float, L: float, lr: float) -> float:
    return float(max(abs(1.0 - lr * mu), abs(1.0 - lr * L)))


# -- ch17.smoothness_constants ----------------------------------------------------------


def ls_constants(X: np.ndarray) -> tuple[float, float]:
    M, d = X.shape
    s = np.linalg.svd(X, compute_uv=False)  # min(M, d) singular values, descending
    L = s[0] ** 2 / M
    mu = s[-1] ** 2 / M if M >= d else 0.0  # XᵀX has d - M zero eigenvalues when M < d
    return float(L), float(mu)


def logistic_constants(X: np.ndarray, lam: float) -> tuple[float, float]:
    M = X.shape[0]
    s_max = np.linalg.norm(X, 2)  # largest singular value
    return float(s_max**2 / (4.0 * M) + lam), float(lam)


# -- ch17.pl_rate_and_implicit_bias -----------------------------------------------------


def gd_ls_trajectory(X: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    M = X.shape[0]
    theta = np.array(theta0, dtype=np.float64)
    thetas = np.empty((n_steps + 1, theta.shape[0]))
    fvals = np.empty(n_steps + 1)
    for k in range(n_steps + 1):
        r = X @ theta - y
        thetas[k] = theta
        fvals[k] = r @ r / (2.0 * M)
        if k < n_steps:
            theta = theta - lr * (X.T @ r) / M
    return thetas, fvals


def empirical_rate(fvals: np.ndarray, fstar: float, start: int, stop: int) -> float:
    k = np.arange(start, stop, dtype=np.float64)
    logs = np.log(np.asarray(fvals, dtype=np.float64)[start:stop] - fstar)
    slope = np.polyfit(k, logs, 1)[0]
    return float(np.exp(slope))


# -- ch17.convex_sublinear --------------------------------------------------------------


def gd_separable_quadratic(h: np.ndarray, theta_star: np.ndarray, theta0: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    e = np.array(theta0, dtype=np.float64) - theta_star  # θ_k - θ*
    fvals = np.empty(n_steps + 1)
    for k in range(n_steps + 1):
        fvals[k] = 0.5 * np.dot(h * e, e)
        e = e - lr * h * e  # ∇f(θ) = h ⊙ (θ - θ*)
    return fvals


def check_sublinear_bound(fvals: np.ndarray, fstar: float, theta0: np.ndarray, theta_star: np.ndarray, lr: float) -> np.ndarray:
    fvals = np.asarray(fvals, dtype=np.float64)
    k = np.arange(1, len(fvals), dtype=np.float64)
    dist0_sq = float(np.sum((np.asarray(theta0, dtype=np.float64) - theta_star) ** 2))
    bound = dist0_sq / (2.0 * lr * k)
    return (fvals[1:] - fstar) / bound
