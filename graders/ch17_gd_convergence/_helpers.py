"""Shared pieces of the chapter 17 graders: matrices with a prescribed spectrum,
closed forms of GD on quadratics (eigen-decomposed, no loop over steps), and the
least-squares problems of the PL and implicit-bias checks."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import GraderError


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
    with eigenvectors V (d, r) in the same order, and y = X θ_true + noise (so Λ* > 0).
    Returns (X, y, V); the null-space projector is I - V Vᵀ."""
    eigs = np.asarray(eigs, dtype=np.float64)
    r = len(eigs)
    U, V = orthogonal(rng, M, r), orthogonal(rng, d, r)
    X = (U * np.sqrt(M * eigs)) @ V.T
    y = X @ rng.standard_normal(d) + noise * rng.standard_normal(M)
    return X, y, V


def pl_start(rng: np.random.Generator, X, y, V) -> np.ndarray:
    """θ_0 = X⁺y + V z + (a null-space part), with |z_i| in [0.5, 2] and the slowest
    coordinate |z_r| in [1, 2]: every eigen-direction is present, the slowest clearly."""
    r, d = V.shape[1], V.shape[0]
    z = rng.choice([-1.0, 1.0], r) * rng.uniform(0.5, 2.0, r)
    z[-1] = np.sign(z[-1]) * rng.uniform(1.0, 2.0)
    null = (np.eye(d) - V @ V.T) @ rng.standard_normal(d)
    return np.linalg.pinv(X) @ y + V @ z + null


def rate_window(X, y, V, eigs, theta0, lr) -> tuple[int, int]:
    """(start, stop) of the late-rate window of GD on least squares, from the exact gap
    Λ(θ_k) - Λ* = Σ_i ½ λ_i z_i² (1 - ηλ_i)^{2k} (z = Vᵀ(θ_0 - X⁺y), eigs in V's order):
    it starts once the slowest direction carries all but 1e-6 of the gap (the fitted
    rate is then exact to ~1e-6), and stops while the gap is ≥ 1e-9 (Λ(θ_0) + ‖y‖²/(2M)),
    far above the rounding of any way of computing Λ (~1e-16 of that scale)."""
    M = X.shape[0]
    eigs = np.asarray(eigs, dtype=np.float64)
    z = V.T @ (theta0 - np.linalg.pinv(X) @ y)
    g, q = 0.5 * eigs * z**2, (1 - lr * eigs) ** 2
    parts = g * q ** np.arange(5000)[:, None]
    gap = parts.sum(axis=1)
    slow = int(np.argmax(q))
    start = int(np.argmax(parts[:, slow] >= (1 - 1e-6) * gap))
    floor = 1e-9 * (0.5 * np.sum((X @ theta0 - y) ** 2) / M + y @ y / (2 * M))
    stop = int(np.flatnonzero(gap >= floor)[-1])
    if stop - start < 10:
        raise GraderError(f"the PL check's rate window is too short ({start}..{stop}); the problem generator needs a larger gap")
    return start, stop


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
