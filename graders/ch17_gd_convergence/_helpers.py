"""Shared pieces of the chapter 17 graders: matrices with a prescribed spectrum,
closed forms of GD on quadratics (eigen-decomposed, no loop over steps), and the
least-squares problems of the PL and implicit-bias checks."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect


def orthogonal(rng: np.random.Generator, n: int, k: int | None = None) -> np.ndarray:
    """An (n, k) matrix with orthonormal columns (k = n by default)."""
    Q, R = np.linalg.qr(rng.standard_normal((n, k or n)))
    return Q * np.sign(np.diag(R))


def spd(rng: np.random.Generator, eigenvalues) -> tuple[np.ndarray, np.ndarray]:
    """(A, Q): A = Q diag(λ) Qᵀ, symmetric to the last bit."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    Q = orthogonal(rng, len(lam))
    A = (Q * lam) @ Q.T
    return (A + A.T) / 2, Q


def quadratic_closed_form(A: np.ndarray, b: np.ndarray, theta0: np.ndarray, lr: float, K: int) -> np.ndarray:
    """θ_k = θ* + Q diag((1 - ηλ_i)^k) Qᵀ (θ_0 - θ*), k = 0..K (no loop over steps)."""
    lam, Q = np.linalg.eigh(A)
    star = np.linalg.solve(A, b)
    z0 = Q.T @ (theta0 - star)
    powers = (1.0 - lr * lam)[None, :] ** np.arange(K + 1)[:, None]
    return star + (powers * z0) @ Q.T


def ls_closed_form(X: np.ndarray, y: np.ndarray, theta0: np.ndarray, lr: float, K: int) -> tuple[np.ndarray, np.ndarray]:
    """GD on Λ = ‖Xθ - y‖²/(2M) in the eigenbasis of H = XᵀX/M: each coordinate z_i obeys
    z_{k+1} = (1 - ηλ_i) z_k + η g_i with g = Qᵀ Xᵀy / M, a geometric series."""
    M = X.shape[0]
    lam, Q = np.linalg.eigh(X.T @ X / M)
    lam = np.where(lam > 1e-12 * max(lam.max(), 1e-300), lam, 0.0)
    g = Q.T @ (X.T @ y) / M
    g = np.where(lam > 0, g, 0.0)  # Xᵀy has no component in the null space
    z0 = Q.T @ theta0
    k = np.arange(K + 1)[:, None]
    c = 1.0 - lr * lam
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.where(lam > 0, (1.0 - c**k) / np.where(lam > 0, lr * lam, 1.0), k)  # Σ_{j<k} c^j
    z = c**k * z0 + lr * g * geo
    thetas = z @ Q.T
    r = thetas @ X.T - y
    return thetas, np.sum(r * r, axis=1) / (2 * M)


def low_rank_problem(rng: np.random.Generator, M: int, d: int, eigs, noise: float):
    """X (M, d) whose nonzero eigenvalues of XᵀX/M are `eigs` (rank r = len(eigs) < d),
    y = X θ_true + noise (so Λ* > 0), and the null-space projector."""
    eigs = np.asarray(eigs, dtype=np.float64)
    r = len(eigs)
    U, V = orthogonal(rng, M, r), orthogonal(rng, d, r)
    X = (U * np.sqrt(M * eigs)) @ V.T
    y = X @ rng.standard_normal(d) + noise * rng.standard_normal(M)
    P_null = np.eye(d) - V @ V.T
    return X, y, P_null


def fstar_of(X: np.ndarray, y: np.ndarray) -> float:
    r = X @ np.linalg.lstsq(X, y, rcond=None)[0] - y
    return float(r @ r / (2 * X.shape[0]))


def loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x; nan unless every y is finite and > 0
    (so a degenerate result fails the comparison instead of breaking the fit)."""
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y) & (y > 0)):
        return float("nan")
    return float(np.polyfit(np.log(np.asarray(x, dtype=np.float64)), np.log(y), 1)[0])


def trajectory(got, K: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """(thetas, fvals) of gd_ls_trajectory with their shapes checked."""
    thetas, fvals = expect.like(got, (np.zeros((K + 1, d)), np.zeros(K + 1)))
    return np.asarray(thetas), np.asarray(fvals)
