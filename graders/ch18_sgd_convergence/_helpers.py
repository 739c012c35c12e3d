"""Shared pieces of the chapter 18 graders: exact moments of the linear SGD
recursions (so statistical checks compare with exact finite-k values, not only
with limits), the statistics with their exact Gaussian standard errors, and the
problems of the interpolation-regime checks (with the exact stationary floor)."""

from __future__ import annotations

import numpy as np

from mathdl_cli import kernels


def loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x; nan unless every y is finite and > 0."""
    y = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(y) & (y > 0)):
        return float("nan")
    return float(np.polyfit(np.log(np.asarray(x, dtype=np.float64)), np.log(y), 1)[0])


def window(K: int, n: int = 16) -> np.ndarray:
    """n log-spaced steps in [K/10, K] (unique integers; not np.unique, whose first call
    imports numpy.ma: 10-15 ms of a check)."""
    return np.array(sorted(set(np.geomspace(K / 10, K, n).astype(np.int64).tolist())), dtype=np.int64)


def moment_z(samples: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> tuple[float, np.ndarray]:
    """z-score of T = mean over chains and window of x²/E x², for Gaussian x with the given
    per-window means and covariance (exact: Cov(x_s², x_t²) = 2C² + 4 m_s m_t C).
    Returns (z, the per-window average of x² over the chains)."""
    R = samples.shape[0]
    E = mean**2 + np.diag(cov)
    cov_sq = 2 * cov**2 + 4 * np.outer(mean, mean) * cov
    se = np.sqrt(np.sum(cov_sq / np.outer(E, E)) / (R * len(E) ** 2))
    m2 = np.mean(samples**2, axis=0)
    return float((np.mean(m2 / E) - 1.0) / se), m2


# -- ch18.robbins_monro_rate --------------------------------------------------------------


RM_PUBLIC = {  # slow case: aσ = 0.38 next to θ_0 = 1.5, so both the steps and the noise show in E θ_k²
    "fast": {"R": 2000, "K": 1000, "lam": 1.3, "a": 1.5 / 1.3, "k0": 1.5, "sigma": 0.7, "theta0": 1.5},
    "slow": {"R": 2000, "K": 1000, "lam": 1.3, "a": 0.25 / 1.3, "k0": 1.0, "sigma": 2.0, "theta0": 1.5},
}


def rm_hidden_params(rng: np.random.Generator, regime: str) -> dict:
    """aλ in [1.2, 2] with |θ_0| ≤ 2aσ (fast), or aλ in [0.15, 0.3] with aσ ≤ 0.6|θ_0|
    (slow); k_0 in [1, 2]. On these ranges the exact slope over [100, 1000] is within
    0.03 of -min(1, 2aλ) (oracle tests): outside them the start (fast) or the 1/k part
    of the variance (slow) bends the curve over this window."""
    lam = float(rng.uniform(0.5, 3.0))
    k0 = float(rng.uniform(1.0, 2.0))
    if regime == "fast":
        a, sigma = float(rng.uniform(1.2, 2.0)) / lam, float(rng.uniform(0.5, 2.0))
        theta0 = float(rng.uniform(-2, 2)) * a * sigma
    else:
        a, theta0 = float(rng.uniform(0.15, 0.3)) / lam, float(rng.choice([-1, 1]) * rng.uniform(1.0, 2.0))
        sigma = float(rng.uniform(0.2, 0.6)) * abs(theta0) / a
    return {"R": 2000, "K": 1000, "lam": lam, "a": a, "k0": k0, "sigma": sigma, "theta0": theta0}


def rm_noise(rng: np.random.Generator, p: dict) -> kernels.Draw:
    """σ·N(0, 1) of shape (R, K): the check never reads it (the moments are exact), so the
    child draws it from a seed instead of 16 MB crossing the pipe (``.values()`` here)."""
    return kernels.normal(rng, (p["R"], p["K"]), scale=p["sigma"])


def rm_moments(p: dict, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact E θ_k and Cov(θ_s, θ_t) on the window for Gaussian noise: with c_k = 1 - α_k λ,
    m_{k+1} = c_k m_k, v_{k+1} = c_k² v_k + α_k² σ², Cov(θ_s, θ_t) = v_s Π_{i=s}^{t-1} c_i (s ≤ t)."""
    K = int(W.max())
    alpha = p["a"] / (np.arange(K) + p["k0"])
    c = 1.0 - alpha * p["lam"]
    m, v = np.empty(K + 1), np.empty(K + 1)
    m[0], v[0] = p["theta0"], 0.0
    for k in range(K):
        m[k + 1] = c[k] * m[k]
        v[k + 1] = c[k] ** 2 * v[k] + alpha[k] ** 2 * p["sigma"] ** 2
    cov = np.array([[v[min(s, t)] * np.prod(c[min(s, t) : max(s, t)]) for t in W] for s in W])
    return m[W], cov


def rm_theory(p: dict) -> tuple[float, float]:
    """(limit exponent -min(1, 2aλ), limit constant of k E θ_k² when 2aλ > 1 else nan)."""
    two_al = 2 * p["a"] * p["lam"]
    const = p["a"] ** 2 * p["sigma"] ** 2 / (two_al - 1) if two_al > 1 else float("nan")
    return -min(1.0, two_al), const


# -- ch18.polyak_averaging -----------------------------------------------------------------


POLYAK_POWER = 0.6  # α_k = a (k+1)^{-0.6}: slower than 1/k, as Polyak-Ruppert averaging needs
POLYAK_PUBLIC = {"R": 2000, "K": 1000, "lam": 1.0, "a": 1.5, "sigma": 0.8, "theta_star": 0.5, "theta0": 1.5}


def polyak_hidden_params(rng: np.random.Generator) -> dict:
    """aλ in [1, 1.5] and |θ_0 - θ*| ≤ 1.5 σ/λ: there K E(θ̄_K - θ*)² λ²/σ² is 1.02–1.04 and the
    exact slope on [100, 1000] within 0.025 of -1 (oracle tests); a start much farther away
    leaves a bias that bends the curve on k ≤ 1000."""
    lam, sigma = float(rng.uniform(0.5, 2.0)), float(rng.uniform(0.3, 2.0))
    star = float(rng.uniform(-2, 2))
    return {
        "R": 2000, "K": 1000, "lam": lam, "a": float(rng.uniform(1.0, 1.5)) / lam, "sigma": sigma,
        "theta_star": star, "theta0": star + float(rng.uniform(-1.5, 1.5)) * sigma / lam,
    }


def polyak_steps(p: dict) -> np.ndarray:
    """α_k = a (k+1)^{-0.6}, k = 0..K-1 (as kernels' sgd_chains makes them)."""
    return p["a"] * (np.arange(p["K"]) + 1.0) ** -POLYAK_POWER


def polyak_chains(rng: np.random.Generator, p: dict) -> kernels.Draw:
    """The grader's SGD run: θ_{k+1} = θ_k - α_k (λ(θ_k - θ*) + ξ_k), ξ ~ N(0, σ²); (R, K+1).
    The check never reads it (the moments are exact): the child makes it from a seed."""
    return kernels.Draw("sgd_chains", int(rng.integers(0, 2**63)), (p["R"], p["K"] + 1), lam=p["lam"], a=p["a"],
                        power=POLYAK_POWER, sigma=p["sigma"], theta_star=p["theta_star"], theta0=p["theta0"])


def polyak_moments(p: dict, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact E(θ̄_k - θ*) and Cov(θ̄_s, θ̄_t) on the window. With c_i = 1 - α_i λ,
    θ_j - θ* = P_j e_0 - Σ_{i<j} α_i (Π_{l=i+1}^{j-1} c_l) ξ_i (P_j = Π_{i<j} c_i), so
    θ̄_k - θ* = (e_0/k) Σ_{j=1}^{k} P_j - Σ_{i<k} β_{k,i} ξ_i with β_{k,i} = (α_i/k) S_{k,i},
    S_{k,i} = Σ_{j=i+1}^{k} Π_{l=i+1}^{j-1} c_l = 1 + c_{i+1} S_{k,i+1} (S_{k,k-1} = 1)."""
    alpha = polyak_steps(p)
    c = 1.0 - alpha * p["lam"]
    P = np.concatenate([[1.0], np.cumprod(c)])
    e0 = p["theta0"] - p["theta_star"]
    means, betas = [], np.zeros((len(W), p["K"]))
    for row, k in enumerate(W):
        means.append(e0 * P[1 : k + 1].sum() / k)
        S = np.empty(k)
        S[-1] = 1.0
        for i in range(k - 2, -1, -1):
            S[i] = 1.0 + c[i + 1] * S[i + 1]
        betas[row, :k] = alpha[:k] * S / k
    return np.array(means), p["sigma"] ** 2 * betas @ betas.T


# -- ch18.interpolation_regime -------------------------------------------------------------


def unit_rows(rng: np.random.Generator, M: int, d: int) -> np.ndarray:
    """M random rows of norm 1 (R² = max ‖x_m‖² = 1)."""
    X = rng.standard_normal((M, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def markov_steps(X: np.ndarray, lr: float, target: float = 1e-29) -> tuple[int, float]:
    """(K, ρ): E‖θ_{k+1} - θ*‖² ≤ ρ ‖θ_k - θ*‖², ρ = 1 - η(2 - ηR²) λ_min(XᵀX/M), and the
    smallest K with ρ^K ≤ target. Then P(‖θ_K - θ*‖² > 1e-20 ‖θ_0 - θ*‖²) ≤ ρ^K/1e-20 ≤ 1e-9."""
    R2 = float(np.max(np.sum(X * X, axis=1)))
    mu = float(np.linalg.eigvalsh(X.T @ X / X.shape[0])[0])
    rho = 1.0 - lr * (2.0 - lr * R2) * mu
    return int(np.ceil(np.log(target) / np.log(rho))), rho


def stationary_floor(X: np.ndarray, y: np.ndarray, lr: float, B: int) -> tuple[float, np.ndarray]:
    """(exact stationary E‖θ - θ̂‖², θ̂) of minibatch SGD with B i.i.d. uniform indices.

    With e = θ - θ̂ and residuals r = y - Xθ̂ (so Σ_m r_m x_m = 0), one step is
    e' = (I - ηĤ) e + η ĝ, Ĥ = (1/B) Σ_b x x ᵀ, ĝ = (1/B) Σ_b r x. The batch is independent
    of e and E ĝ = 0, so the stationary covariance solves the linear equation
        C = E[(I - ηĤ) C (I - ηĤ)] + (η²/B) E[r² x xᵀ],
    E[Ĥ C Ĥ] = (1/B) E[x xᵀ C x xᵀ] + (1 - 1/B) H C H (a d²×d² system)."""
    M, d = X.shape
    theta_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ theta_hat
    H = X.T @ X / M
    xx = np.einsum("mi,mj->mij", X, X)

    def step(C):
        quad = np.einsum("mij,jk,mkl->il", xx, C, xx) / M
        return C - lr * (H @ C + C @ H) + lr**2 * (quad / B + (1 - 1 / B) * H @ C @ H)

    basis = np.eye(d * d)
    A = np.stack([basis[i] - step(basis[i].reshape(d, d)).ravel() for i in range(d * d)], axis=1)
    S = np.einsum("m,mij->ij", r * r, xx) / M
    C = np.linalg.solve(A, (lr**2 / B * S).ravel()).reshape(d, d)
    return float(np.trace(C)), theta_hat


FLOOR = {"M": 20, "d": 2, "noise": 0.3, "B": 2, "K": 4000, "burn": 500, "lrs": (0.8, 0.2)}


def floor_problem(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = unit_rows(rng, FLOOR["M"], FLOOR["d"])
    return X, X @ rng.standard_normal(FLOOR["d"]) + FLOOR["noise"] * rng.standard_normal(FLOOR["M"])


def time_average_floor(traj: np.ndarray, theta_hat: np.ndarray) -> float:
    """mean of ‖θ_k - θ̂‖² over the steps after the burn-in"""
    return float(np.mean(np.sum((traj[FLOOR["burn"] :] - theta_hat) ** 2, axis=1)))
