"""Closed forms and input generators behind the chapter 15 statistical checks.

Each statistical check draws its inputs with one of the *_case functions below
from the check's `rng`, and compares the student's estimate with the exact
value in units of the exact standard error. The project's tests run the same
functions over hundreds of seeds with the reference (calibration) and with
known-wrong estimators (power)."""

from __future__ import annotations

import numpy as np

from mathdl_cli import kernels

# |z| ≤ 6 for an average of ≥ 2·10⁴ i.i.d. terms: two-sided normal tail 2·Φ(-6) ≈ 2.0e-9 (CLT)
Z_MAX = 6.0

LOG_2PI = float(np.log(2.0 * np.pi))


# -- the linear-Gaussian model of ch15.elbo_linear_gaussian ------------------------


def log_evidence(x, A, b, s2):
    """log p(x) for x ~ N(b, A Aᵀ + s² I), by a Cholesky factorisation."""
    d = x.shape[0]
    L = np.linalg.cholesky(A @ A.T + s2 * np.eye(d))
    w = np.linalg.solve(L, x - b)
    return float(-0.5 * (d * LOG_2PI + 2.0 * np.sum(np.log(np.diag(L))) + w @ w))


def posterior(x, A, b, s2):
    """Mean and covariance of p(z | x): Σ = (I + AᵀA/s²)⁻¹, μ = Σ Aᵀ(x - b)/s²."""
    k = A.shape[1]
    prec = np.eye(k) + A.T @ A / s2
    cov = np.linalg.inv(prec)
    return cov @ (A.T @ (x - b)) / s2, cov


def kl_diag_to_full(m, v, mu, cov):
    """KL(N(m, diag v) ‖ N(mu, cov))."""
    k = m.shape[0]
    prec = np.linalg.inv(cov)
    diff = mu - m
    logdet = np.linalg.slogdet(cov)[1]
    return float(0.5 * (np.sum(np.diag(prec) * v) + diff @ prec @ diff - k + logdet - np.sum(np.log(v))))


def elbo_via_posterior(x, A, b, s2, m, v):
    """The ELBO computed as log p(x) - KL(q ‖ p(z | x)) (independent of the ELBO formula)."""
    mu, cov = posterior(x, A, b, s2)
    return log_evidence(x, A, b, s2) - kl_diag_to_full(m, v, mu, cov)


def elbo_mc_sd(x, A, b, s2, m, v):
    """Exact standard deviation of one term of the Monte Carlo ELBO.

    With z = m + s ⊙ ε (s = √v), the term log p(x|z) + log p(z) - log q(z) is
    const + aᵀε - ½ εᵀBε with a = S Aᵀ r / s² - S m (r = x - b - A m, S = diag s)
    and B = S AᵀA S / s² + S² - I. For ε ~ N(0, I): Var = ‖a‖² + ½ ‖B‖_F².
    """
    s = np.sqrt(v)
    C = A * s
    r = x - b - A @ m
    a = C.T @ r / s2 - s * m
    B = C.T @ C / s2 + np.diag(v) - np.eye(m.shape[0])
    return float(np.sqrt(a @ a + 0.5 * np.sum(B * B)))


def elbo_case(rng, R: int = 20_000):
    """Inputs of the Monte Carlo ELBO check: d ≠ k, q's variances v ∈ [0.1, 0.5]."""
    k = int(rng.integers(1, 5))
    d = int(rng.choice([n for n in range(1, 7) if n != k]))
    A = rng.standard_normal((d, k))
    b = rng.standard_normal(d)
    s2 = float(rng.uniform(0.3, 1.5))
    x = A @ rng.standard_normal(k) + b + np.sqrt(s2) * rng.standard_normal(d)
    m = rng.standard_normal(k)
    v = rng.uniform(0.1, 0.5, k)
    eps = rng.standard_normal((R, k))
    return x, A, b, s2, m, v, eps


# -- ch15.gradient_estimators ----------------------------------------------------------


# the functions f and f' handed to the student's estimators: grader functions that
# run in the student's process (no round trip per call; see mathdl_cli.kernels)
square = kernels.Elementwise("z^2")
d_square = kernels.Elementwise("2z")
sin = kernels.Elementwise("sin")
d_sin = kernels.Elementwise("cos")


def estimator_truth_sd(name: str, mu: float, sigma: float) -> tuple[float, float, float]:
    """(∇_μ E f(z), sd of one reparameterisation term, sd of one score term), z ~ N(μ, σ²).

    square: E = μ² + σ², gradient 2μ; Var 2z = 4σ²; Var z²ε/σ = μ⁴/σ² + 14μ² + 15σ².
    sin:    E = sin μ e^{-σ²/2}, gradient cos μ e^{-σ²/2}; Var cos z = ½(1 + cos 2μ e^{-2σ²}) - cos²μ e^{-σ²};
            E[sin²z ε²] = ½ - ½ cos 2μ (1 - 4σ²) e^{-2σ²}, so Var sin z ε/σ = that/σ² - cos²μ e^{-σ²}.
    """
    if name == "square":
        return 2.0 * mu, 2.0 * sigma, float(np.sqrt(mu**4 / sigma**2 + 14.0 * mu**2 + 15.0 * sigma**2))
    if name == "sin":
        g = np.cos(mu) * np.exp(-(sigma**2) / 2.0)
        var_rep = 0.5 * (1.0 + np.cos(2 * mu) * np.exp(-2 * sigma**2)) - g**2
        var_score = (0.5 - 0.5 * np.cos(2 * mu) * (1.0 - 4.0 * sigma**2) * np.exp(-2 * sigma**2)) / sigma**2 - g**2
        return float(g), float(np.sqrt(var_rep)), float(np.sqrt(var_score))
    raise ValueError(name)


def estimator_case(rng, R: int = 100_000):
    """Inputs of the unbiasedness check: μ ∈ [0.3, 1.2] (cos μ ≥ 0.36), σ ∈ [0.3, 0.8]."""
    mu = float(rng.uniform(0.3, 1.2))
    sigma = float(rng.uniform(0.3, 0.8))
    return mu, sigma, rng.standard_normal(R)


# Variance comparison: f(z) = z², μ ∈ [1.5, 2], σ ∈ [0.3, 0.5]. The per-term variance ratio
# score/reparam = (μ⁴/σ² + 14μ² + 15σ²)/(4σ²) is ≥ 55.5 there. The check compares the sample
# variances of N_BATCH batch means (independent draws for the two estimators); it fails iff
# s²_rep ≥ s²_score, i.e. iff an F(19, 19) variable exceeds the ratio: FFP ≤ P(F ≥ 55.5) ≈ 1e-12.
N_BATCH, BATCH = 20, 5_000


def variance_case(rng):
    mu = float(rng.uniform(1.5, 2.0))
    sigma = float(rng.uniform(0.3, 0.5))
    return mu, sigma, rng.standard_normal((N_BATCH, BATCH)), rng.standard_normal((N_BATCH, BATCH))
